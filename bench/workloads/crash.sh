#!/bin/sh
# A child that fails at once: one marker per start, then exit 1.
printf 'c\n' >> "$1"
exit 1
