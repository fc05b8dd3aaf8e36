// A log producer: one line every 2 seconds, and a warning on stderr every fifth.
let n = 0;
setInterval(() => {
  n += 1;
  if (n % 5 === 0) console.error(`tick ${n}: five more ticks`);
  else console.log(`tick ${n}`);
}, 2000);
process.on('SIGTERM', () => process.exit(0));
