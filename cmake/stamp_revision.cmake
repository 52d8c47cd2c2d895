# Writes generated/sim/version.hpp with the source tree's git revision (and
# "-dirty" for uncommitted changes). Run at configure time and again on every
# build (target ppisim_revision), so the revision every results file records
# is the one the binary was built from. configure_file leaves the header
# untouched when nothing changed, so an unchanged revision rebuilds nothing.
#   cmake -DSOURCE_DIR=... -DOUTPUT=... -DPROJECT_VERSION=... -P stamp_revision.cmake
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE PPISIM_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE PPISIM_GIT_DIRTY OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT PPISIM_GIT_REVISION)
  set(PPISIM_GIT_REVISION "unknown")
elseif(PPISIM_GIT_DIRTY)
  string(APPEND PPISIM_GIT_REVISION "-dirty")
endif()
configure_file(${SOURCE_DIR}/sim/version.hpp.in ${OUTPUT} @ONLY)
