// A cycle whose queues all BLOCK when full fails the check, naming the cycle in order and where each stage is.
def log = new File(basedir, 'build.log').text
assert log.contains('[SedaBlockingCycle] graph cache, stage lookup at com.example.Cache#lookup (com/example/Cache.java:')
assert log.contains('the cycle lookup -> fetch -> lookup has only queues that BLOCK when full, a deadlock waiting to happen')
assert log =~ /fetch at com\.example\.Cache#fetch \(com\/example\/Cache\.java:2\d\)/
assert log.contains('Hint: let one stage of the cycle shed load, e.g. @Stage(whenFull = QueueFull.REJECT) or DROP_OLDEST')
assert log.contains('seda: graph check found 1 problem (1 error, 0 warnings)')
return true
