#!/bin/sh
# Host port H=18848 for the main port, H+1000=19848 for client gRPC
# (nacos-doctor docker --host-port 18848 --format run prints the -p flags).
docker run -d --name nacos -e MODE=standalone \
  -p 18848:8848 -p 19848:9848 \
  nacos/nacos-server:v2.4.3
