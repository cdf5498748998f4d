// The processor's output, the descriptor and the four diagrams, as a user finds them after `mvn package`.
def target = new File(basedir, 'target')
def generated = new File(target, 'generated-sources/annotations/com/example')
['GreeterOut.java', 'GreeterGraph.java', 'GreeterMain.java'].each {
    assert new File(generated, it).isFile() : "missing generated $it"
}
assert new File(generated, 'GreeterGraph.java').text.contains('public record GreetEvent(TcpConnection connection, String name)')
['GreeterOut', 'GreeterOut$Read', 'GreeterOut$Greet', 'GreeterGraph', 'GreeterMain'].each {
    assert new File(target, "classes/com/example/${it}.class").isFile() : "missing class $it"
}

def descriptor = new File(target, 'classes/META-INF/seda/greeter.json')
assert descriptor.isFile()
def graph = new groovy.json.JsonSlurper().parse(descriptor)
assert graph.name == 'greeter'
assert graph.stages*.name == ['listen:read', 'read', 'greet', 'reply']
assert graph.edges.collect { "${it.from}->${it.to}" } == ['listen:read->read', 'read->greet', 'greet->reply']

['svg', 'html', 'dot', 'mmd'].each {
    def file = new File(target, "seda/greeter.$it")
    assert file.isFile() && file.length() > 0 : "missing diagram $file"
    ['read', 'greet', 'reply'].each { stage -> assert file.text.contains(stage) : "$file lacks stage $stage" }
}
def svg = new groovy.xml.XmlSlurper().parse(new File(target, 'seda/greeter.svg'))
assert svg.name() == 'svg'
assert !new File(target, 'seda/greeter.html').text.contains('<script src=')

def jar = new File(target, 'valid-service-1.0.jar')
assert jar.isFile()
assert new java.util.jar.JarFile(jar).getEntry('META-INF/seda/greeter.json') != null
return true
