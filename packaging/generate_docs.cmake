# Run at build time (cmake -P) by packaging/CMakeLists.txt: writes the shell completion files
# and the man page of the core package from the built `mosaic` itself.
#   -DMOSAIC=<built mosaic> -DOUT=<dir> -DINCLUDE=<mosaic.h2m> [-DHELP2MAN=<help2man>] -DGZIP=<gzip>
# The environment is emptied of anything that could add plugins, so the man page describes
# the core package alone (plugin commands are listed by package in its PLUGINS section).
foreach(v MOSAIC OUT INCLUDE GZIP)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "generate_docs.cmake: -D${v}=... is required")
  endif()
endforeach()

set(scratch ${OUT}/scratch)
file(REMOVE_RECURSE ${scratch})
file(MAKE_DIRECTORY ${scratch}/empty ${OUT}/completion ${OUT}/man)
set(ENV{HOME} ${scratch})
set(ENV{XDG_DATA_HOME} ${scratch}/share)
set(ENV{MOSAIC_HOME} ${scratch}/mosaic)
set(ENV{MOSAIC_PLUGIN_SYSTEM_PATH} ${scratch}/empty)
unset(ENV{MOSAIC_PLUGIN_PATH})
unset(ENV{MOSAIC_PLUGINS_DISABLE})
unset(ENV{MOSAIC_DEBUG_PLUGINS})
set(ENV{LC_ALL} C.UTF-8)

foreach(shell bash zsh fish)
  set(file_bash mosaic)
  set(file_zsh _mosaic)
  set(file_fish mosaic.fish)
  execute_process(COMMAND ${MOSAIC} completion ${shell}
    OUTPUT_FILE ${OUT}/completion/${file_${shell}}.tmp RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "'${MOSAIC} completion ${shell}' failed: ${rc}")
  endif()
  file(SIZE ${OUT}/completion/${file_${shell}}.tmp size)
  if(size EQUAL 0)
    message(FATAL_ERROR "'${MOSAIC} completion ${shell}' printed nothing")
  endif()
  file(RENAME ${OUT}/completion/${file_${shell}}.tmp ${OUT}/completion/${file_${shell}})
endforeach()

if(HELP2MAN)
  execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1
      "--name=command-line tool of the Mosaic self-hosted AI agent platform"
      --include=${INCLUDE} --output=${OUT}/man/mosaic.1 ${MOSAIC}
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "help2man failed on '${MOSAIC}': ${rc}")
  endif()
  # gzip -9n: no name or timestamp in the header (Debian policy 12.3).
  execute_process(COMMAND ${GZIP} -9nf ${OUT}/man/mosaic.1 RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip failed on ${OUT}/man/mosaic.1")
  endif()
endif()
file(REMOVE_RECURSE ${scratch})
