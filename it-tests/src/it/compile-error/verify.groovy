// The mistake is a compile error on the offending method, with its stable id and a hint.
def log = new File(basedir, 'build.log').text
assert log =~ /(?s)ERROR.*Broken\.java:\[15,\d+\].*\[SedaEmitsUnknownStage\] stage 'read' emits to 'nowhere'/
assert log.contains("Hint: fix the name in @Emits, add a @Stage method named 'nowhere', or include the class that has it")
assert !log.contains('SedaInternalError')
return true
