// The app module checks and draws its own graph and the library's, found in lib's jar on its class path.
def log = new File(basedir, 'build.log').text
assert log =~ /(?s)Building app 1\.0.*seda: checked 2 stage graph\(s\) from 2 descriptor\(s\): no problems/
assert log =~ /(?s)Building lib 1\.0.*seda: checked 1 stage graph\(s\) from 1 descriptor\(s\): no problems.*Building app/
['shop', 'audit'].each { graph ->
    ['svg', 'html', 'dot', 'mmd'].each {
        assert new File(basedir, "app/target/seda/${graph}.$it").isFile() : "app lacks the $graph diagram ($it)"
    }
}
assert new File(basedir, 'app/target/seda/audit.svg').text.contains('data-stage="record"')
assert new File(basedir, 'lib/target/seda/audit.svg').isFile()
assert !new File(basedir, 'lib/target/seda/shop.svg').exists() : 'a library does not see its users'
assert new java.util.jar.JarFile(new File(basedir, 'lib/target/lib-1.0.jar')).getEntry('META-INF/seda/audit.json') != null
return true
