// A queue worker: takes a job every second and reports it; stops cleanly on SIGTERM.
const id = process.env.WORKER_ID ?? '0';
let job = 0;
console.log(`worker ${id} ready`);
const timer = setInterval(() => {
  job += 1;
  console.log(`worker ${id} finished job ${job}`);
}, 1000);
process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(`worker ${id} done after ${job} jobs`);
  process.exit(0);
});
