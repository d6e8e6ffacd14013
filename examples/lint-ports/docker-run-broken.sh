#!/bin/sh
# 9848 is published on itself while the main port moved to 18848: clients given 18848
# dial 19848 for gRPC and nothing answers ("Client not connected, current status:STARTING").
docker run -d --name nacos -e MODE=standalone \
  -p 18848:8848 -p 9848:9848 \
  nacos/nacos-server:v2.4.3
