/**
 * The new-alarm sound: two short tones made with Web Audio (no audio file, works offline).
 * Browsers allow sound only after the user interacted with the page; until then it is silent.
 */
let ctx: AudioContext | null = null;

export function beep(times = 2): void {
  try {
    const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return;
    ctx ??= new Ctor();
    if (ctx.state === 'suspended') void ctx.resume();
    const start = ctx.currentTime;
    for (let i = 0; i < times; i++) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'square';
      osc.frequency.value = i % 2 ? 660 : 880;
      const t0 = start + i * 0.3;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.2, t0 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.22);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0);
      osc.stop(t0 + 0.25);
    }
    (window as { __xiaoanBeeps?: number }).__xiaoanBeeps = ((window as { __xiaoanBeeps?: number }).__xiaoanBeeps ?? 0) + 1;
  } catch {
    // no audio device: the flashing badge still shows
  }
}
