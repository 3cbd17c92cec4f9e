# The emulator as a small container image, for pipelines that rehearse against it (a GitHub
# service container, docker compose, a Kubernetes sidecar):
#
#   docker build -t atlas-ear-emulator .
#   docker run --rm -p 8080:8080 atlas-ear-emulator
#   docker run --rm -p 9000:9000 -e ATLAS_EAR_EMULATOR_LISTEN=0.0.0.0:9000 atlas-ear-emulator
#   docker run --rm -p 8080:8080 atlas-ear-emulator --listen 0.0.0.0:8080 --settle-after 1s
#
# A static (musl) build copied into an empty image: about 1.3 MB, no shell, no package manager,
# run as an unprivileged user. Every flag of `atlas-ear-emulator --help` can follow the image
# name; where no arguments can be given (service containers), the environment sets the address
# (ATLAS_EAR_EMULATOR_LISTEN) and the settle time (ATLAS_EAR_EMULATOR_SETTLE_AFTER).

FROM rust:1-alpine AS build
# The C start files and headers of musl, for the linker.
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# Alpine's Rust targets musl and links statically, so the binary needs nothing from the image.
RUN cargo build --release --locked -p atlas-ear-emulator --bin atlas-ear-emulator \
    && cp target/release/atlas-ear-emulator /atlas-ear-emulator

FROM scratch
COPY --from=build /atlas-ear-emulator /atlas-ear-emulator
# Listening on every interface of the container; publish the port to reach it.
ENV ATLAS_EAR_EMULATOR_LISTEN=0.0.0.0:8080
EXPOSE 8080
# An unprivileged user that needs no entry in /etc/passwd (the image has none).
USER 65532:65532
ENTRYPOINT ["/atlas-ear-emulator"]
