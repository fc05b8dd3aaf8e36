#!/bin/sh
# A child with a grandchild: a `sleep` in the background, waited for; ready once both run.
sleep 600 &
printf 'r\n' >> "$1"
wait
