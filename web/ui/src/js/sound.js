// The audible cue for a new case: a short two-tone beep from Web Audio, no sound file.
let ctx = null;
export let beeps = 0;

// Browsers let audio start only after a user gesture; the first tap or the login does it.
export function unlockAudio() {
  try {
    ctx = ctx || new (window.AudioContext || window.webkitAudioContext)();
    if (ctx.state === 'suspended') ctx.resume();
  } catch { ctx = null; }
}

export const audioReady = () => Boolean(ctx && ctx.state === 'running');

export function beep() {
  beeps += 1;
  document.body.dataset.beeps = String(beeps);  // lets a test hear it
  if (!ctx) unlockAudio();
  if (!ctx) return;
  const start = ctx.currentTime + 0.01;
  [880, 1320].forEach((freq, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const t0 = start + i * 0.18;
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.3, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.16);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0);
    osc.stop(t0 + 0.17);
  });
}
