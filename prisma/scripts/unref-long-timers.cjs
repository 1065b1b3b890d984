// Le moteur de schéma WebAssembly de Prisma laisse des minuteries de 10 à 60 s qui retiennent
// la CLI après son travail : on les détache pour que la commande rende la main aussitôt.
const originalSetTimeout = global.setTimeout;
global.setTimeout = function (handler, delay, ...args) {
  const timer = originalSetTimeout(handler, delay, ...args);
  if (typeof delay === 'number' && delay >= 10_000 && timer && typeof timer.unref === 'function') timer.unref();
  return timer;
};
const originalSetInterval = global.setInterval;
global.setInterval = function (handler, delay, ...args) {
  const timer = originalSetInterval(handler, delay, ...args);
  if (typeof delay === 'number' && delay >= 10_000 && timer && typeof timer.unref === 'function') timer.unref();
  return timer;
};
