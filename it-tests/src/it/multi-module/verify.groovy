// One graph, two modules: the library's part is checked as a part, the app's check merges both parts.
def log = new File(basedir, 'build.log').text
assert log =~ /(?s)Building lib 1\.0.*\[SedaNoSource\] graph shop.*Building app/ : 'the library part is only warned about'
assert log =~ /(?s)Building app 1\.0.*seda: checked 1 stage graph\(s\) from 2 descriptor\(s\): no problems/

def svg = new File(basedir, 'app/target/seda/shop.svg').text
['listen:receive', 'receive', 'reserve', 'audit'].each { assert svg.contains("data-stage=\"$it\"") : "app diagram lacks $it" }
['svg', 'html', 'dot', 'mmd'].each { assert new File(basedir, "app/target/seda/shop.$it").isFile() }
assert new File(basedir, 'lib/target/seda/shop.svg').isFile()

// The app's generated factory declares the library's stages and lets the library bind its own handlers.
def factory = new File(basedir, 'app/target/generated-sources/annotations/com/example/app/FrontGraph.java').text
assert factory.contains('InventoryGraph.bind(graph, new Inventory(), reserve, audit);')
def emitter = new File(basedir, 'app/target/generated-sources/annotations/com/example/app/FrontOut.java').text
assert emitter.contains('public boolean reserve(TcpConnection connection, String item)')
return true
