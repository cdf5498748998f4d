// The sum of the stages' max threads beyond -Dseda.threadBudget fails the check, naming the largest stages.
def log = new File(basedir, 'build.log').text
assert log.contains('[SedaThreadBudget] graph greedy, 3 application stages of com.example.Greedy: together they may run'
        + ' 141 threads (the sum of each stage\'s max threads), more than the thread budget of 100.'
        + ' The largest: work threads 4..100 at com.example.Greedy#work (com/example/Greedy.java:')
assert log.contains('-Dseda.threadBudget=141')
assert log.contains('seda: graph check found 1 problem (1 error, 0 warnings)')
return true
