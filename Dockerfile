# syntax=docker/dockerfile:1
#
# Tollgate: built with Maven on Temurin 17, run on a Temurin 17 JRE as a non-root user.
#
#   docker build -t tollgate .
#   docker run -p 8080:8080 -e TOLLGATE_MASTER_KEY=… -e SPRING_DATASOURCE_URL=… tollgate
#
# See docker-compose.yml and docs/operations.md.

# ---------------------------------------------------------------------------------------------------- build
# The build generates the jOOQ classes from the Flyway migrations against an embedded PostgreSQL that it starts
# itself (migrations/pom.xml). That works as root, the user of this image.
# The stage is pinned to amd64 so that the jar carries the amd64 embedded binaries (on an arm64 host it runs
# emulated); the image below talks to the compose file's PostgreSQL and never starts the embedded one.
FROM --platform=linux/amd64 maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package

# ---------------------------------------------------------------------------------------------------- run
FROM eclipse-temurin:17-jre

# curl for the health check of docker-compose.yml
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 tollgate \
    && useradd --system --uid 10001 --gid tollgate --home-dir /var/lib/tollgate --create-home tollgate

COPY --from=build /src/gateway-edge/target/tollgate.jar /app/tollgate.jar

USER tollgate
# The working directory holds tollgate-data/ (the embedded PostgreSQL's data and the demo master key) when no
# SPRING_DATASOURCE_URL is given.
WORKDIR /var/lib/tollgate
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/tollgate.jar"]
