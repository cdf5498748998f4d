// seda:run compiled the project, forked com.example.EchoMain with the arguments, and the service ran until it stopped itself.
def log = new File(basedir, 'build.log').text
assert log.contains('seda: running com.example.EchoMain --port 0 --host 127.0.0.1 --exit-after-ms 1500 in a forked JVM')
assert log =~ /seda graph echo started; echo listening on 127\.0\.0\.1:\d+/
assert !log.contains('listening on 127.0.0.1:7001') : '--port 0 overrode the annotation'
assert log.contains('echo: exiting after 1500 ms, as asked')
assert log.indexOf('maven-compiler-plugin') < log.indexOf('seda: running') : 'process-classes ran first'
assert log.contains(':check') && log.indexOf(':check') < log.indexOf('seda: running') : 'the graph was checked before it ran'
assert log.contains('BUILD SUCCESS')
return true
