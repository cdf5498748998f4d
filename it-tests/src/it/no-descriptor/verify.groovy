def log = new File(basedir, 'build.log').text
assert log.contains('[SedaNoDescriptor]')
assert log.contains('annotationProcessorPaths')
assert log.contains('seda-processor')
return true
