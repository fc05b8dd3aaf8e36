#!/bin/sh
# A long-running child: says it is ready on the marker FIFO ($1), then becomes `sleep`.
printf 'r\n' >> "$1"
exec sleep 600
