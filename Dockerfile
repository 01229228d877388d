# A local image with tagfuzz's whole toolchain: make, clang 14 with libFuzzer and the
# ASan/UBSan/MSan runtimes, AFL++ 4 (built against the same LLVM), llvm-cov and
# llvm-profdata, llvm-symbolizer (./build.sh report), zip.  It runs the README's commands:
#
#   docker build -t tagfuzz .
#   docker run --rm tagfuzz                                # ./build.sh test
#   docker run --rm tagfuzz fuzz fuzz_boot 60              # ./build.sh fuzz ...
#   docker run --rm tagfuzz fuzz --engine afl fuzz_boot 60
#   docker run --rm -v "$PWD/out:/src/tagfuzz/out" tagfuzz coverage
#
# Mount out/ (as in the last line) to keep findings, corpora and reports.
# AFL++ reads /proc/sys/kernel/core_pattern from the host; build.sh sets the
# documented switch when it pipes to a program.
FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      make clang libclang-rt-14-dev llvm-14 llvm afl++ zip unzip python3 python3-yaml \
      binutils ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src/tagfuzz
COPY . .
# Build once so that the first run starts at once (out/ is rebuilt as needed).
RUN ./build.sh && rm -rf out/work out/findings
ENTRYPOINT ["./build.sh"]
CMD ["test"]
