#!/bin/sh
# A long-running child that ignores SIGTERM (sleep inherits the ignored signal across exec).
trap '' TERM
printf 'r\n' >> "$1"
exec sleep 600
