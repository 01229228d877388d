#!/bin/bash -eu
# ClusterFuzzLite/OSS-Fuzz build script.  The builder image (Dockerfile beside
# this file) runs it as $SRC/build.sh with CC, CXX, CFLAGS, CXXFLAGS,
# LIB_FUZZING_ENGINE, SANITIZER, FUZZING_ENGINE, ARCHITECTURE, SRC, WORK and
# OUT set.  The project's build.sh owns the build contract: every fuzz target
# into $OUT with TARGET_seed_corpus.zip, TARGET.dict and TARGET.options.
exec "$SRC/tagfuzz/build.sh" ossfuzz
