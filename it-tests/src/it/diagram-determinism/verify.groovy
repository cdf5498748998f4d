// Two builds, two JVMs, the same graph: the same bytes in every format.
def first = new File(basedir, 'target/seda')
def second = new File(basedir, 'target/seda2')
['svg', 'html', 'dot', 'mmd'].each {
    def a = new File(first, "web.$it")
    def b = new File(second, "web.$it")
    assert a.isFile() && b.isFile() : "missing web.$it"
    assert a.bytes == b.bytes : "web.$it differs between the two renderings"
}
def svg = new File(first, 'web.svg').text
['parse', 'lookup', 'readFile', 'reply'].each { assert svg.contains("data-stage=\"$it\"") }
assert svg.contains('DROP_OLDEST') && svg.contains('BLOCK 250 ms') && svg.contains('batch 1..16')
return true
