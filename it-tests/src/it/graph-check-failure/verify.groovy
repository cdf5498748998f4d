// The plugin fails the build in process-classes, listing every problem with where and how to fix it.
def log = new File(basedir, 'build.log').text
assert log.contains('[SedaUnboundedQueue] graph leaky, stage read at com.example.Leaky#read (com/example/Leaky.java:13)')
assert log.contains('[SedaUnreachableStage] graph leaky, stage orphan at com.example.Leaky#orphan (com/example/Leaky.java:21)')
assert log.contains('Hint: give it a capacity')
assert !log.contains('stage listen:read') : 'the I/O source has no queue of its own to report'
assert log.contains('[SedaDeadEnd] graph leaky, stage orphan at com.example.Leaky#orphan')
assert log.contains('seda: graph check found 3 problems')
assert log.contains('seda-maven-plugin') && log.contains(':check')
assert !new File(basedir, 'target/leaky-1.0.jar').exists() : 'the build stopped before packaging'
return true
