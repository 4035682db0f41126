// Prevention beyond the config: the gateway process's memory (resident size and its growth over hours)
// and the free space where the gateway writes its state and logs. A warning with the trend before the
// outage; thresholds are settings (guard.*). One `ps` and one statfs per sample, every
// guard.sampleIntervalSec: nothing measurable while idle.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { sleep, type Clock } from '../../../common/clock.js';
import type { Settings } from '../../../common/settings-schema.js';
import { runCapture } from '../doctor/context.js';
import { gatewayPort } from '../doctor/brief.js';
import { isLocalUrl, isOpenClawGatewayCommand, portOwner } from './port-owner.js';
import type { WarningBoard } from './warnings.js';

/** Memory and disk change over hours: six hours of samples hold the trend and bound the memory used. */
const HISTORY_MS = 6 * 3600_000;
/** A growth rate needs at least an hour of samples: start-up and a busy minute are not a trend. */
const TREND_MIN_SPAN_MS = 3600_000;
/** `ps` answers in milliseconds; more means a wedged system, and a sample must not wait on it. */
const PS_TIMEOUT_MS = 5_000;

export interface Sample {
  at: number;
  value: number;
}

/** Least-squares slope of the samples, per hour; null below TREND_MIN_SPAN_MS or three samples. */
export function slopePerHour(samples: Sample[]): number | null {
  if (samples.length < 3) return null;
  const t0 = samples[0]!.at;
  if (samples.at(-1)!.at - t0 < TREND_MIN_SPAN_MS) return null;
  const xs = samples.map((s) => (s.at - t0) / 3600_000);
  const ys = samples.map((s) => s.value);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? null : num / den;
}

function mb(n: number): string {
  return n >= 1024 ? `${(n / 1024).toFixed(1)} GB` : `${Math.round(n)} MB`;
}

function hours(ms: number): string {
  const h = ms / 3600_000;
  return h >= 1.5 ? `${Math.round(h)} h` : `${Math.round(ms / 60_000)} min`;
}

/** The memory warning's text, or null (pure: the thresholds and the samples decide). */
export function memoryWarning(
  samples: Sample[],
  warnMb: number,
  growthMbPerHour: number,
): { title: string; detail: string } | null {
  const last = samples.at(-1);
  if (!last) return null;
  const first = samples[0]!;
  const slope = slopePerHour(samples);
  const trend =
    slope !== null
      ? `${slope >= 0 ? '+' : ''}${Math.round(slope)} MB/h ` +
        `(${mb(first.value)} → ${mb(last.value)} over ${hours(last.at - first.at)})`
      : null;
  if (last.value >= warnMb) {
    return {
      title: `The gateway uses ${mb(last.value)} of memory, above ${mb(warnMb)} (guard.memoryWarnMb)`,
      detail: [
        `Resident memory of the gateway process now: ${mb(last.value)}.`,
        trend ? `Trend: ${trend}.` : '',
        'A restart at a quiet moment frees it; a steady climb is a leak worth reporting to OpenClaw.',
      ]
        .filter(Boolean)
        .join('\n'),
    };
  }
  if (slope !== null && slope >= growthMbPerHour) {
    const eta = slope > 0 ? (warnMb - last.value) / slope : null;
    return {
      title:
        `The gateway's memory keeps growing: ${Math.round(slope)} MB/h, ` +
        `above ${growthMbPerHour} MB/h (guard.memoryGrowthMbPerHour)`,
      detail: [
        `Trend: ${trend}.`,
        eta !== null ? `At this pace it passes ${mb(warnMb)} in about ${hours(eta * 3600_000)}.` : '',
        'A restart at a quiet moment frees it.',
      ]
        .filter(Boolean)
        .join('\n'),
    };
  }
  return null;
}

/** The disk warning's text, or null. */
export function diskWarning(dir: string, samples: Sample[], warnMb: number): { title: string; detail: string } | null {
  const last = samples.at(-1);
  if (!last || last.value >= warnMb) return null;
  const slope = slopePerHour(samples);
  const trend =
    slope !== null && slope < 0
      ? `It is falling ${Math.round(-slope)} MB/h; ` +
        `at this pace it is full in about ${hours((last.value / -slope) * 3600_000)}.`
      : '';
  return {
    title:
      `Only ${mb(last.value)} free where the gateway writes its state and logs (${dir}), ` +
      `below ${mb(warnMb)} (guard.diskFreeWarnMb)`,
    detail: [
      trend,
      'A full disk stops the gateway (its state database and logs cannot be written). ' +
        'Free some space or move the logs.',
    ]
      .filter(Boolean)
      .join('\n'),
  };
}

export interface ResourceDeps {
  clock: Clock;
  env: NodeJS.ProcessEnv;
  settings: () => Settings;
  warnings: WarningBoard;
  /** Tests replace the samplers; by default the gateway's pid is whoever holds its port (an OpenClaw gateway). */
  gatewayRssMb?: () => Promise<{ pid: number; mb: number } | null>;
  freeMb?: (dir: string) => Promise<number | null>;
}

export async function gatewayRss(s: Settings, env: NodeJS.ProcessEnv): Promise<{ pid: number; mb: number } | null> {
  if (!isLocalUrl(s.gateway.url)) return null;
  const owner = await portOwner(gatewayPort(s.gateway.url), env);
  if (!owner || !isOpenClawGatewayCommand(owner.command)) return null;
  const r = await runCapture('ps', ['-o', 'rss=', '-p', String(owner.pid)], { timeoutMs: PS_TIMEOUT_MS, env });
  const kb = Number(r.stdout.trim());
  return r.error || !Number.isFinite(kb) || kb <= 0 ? null : { pid: owner.pid, mb: kb / 1024 };
}

export async function freeMb(dir: string): Promise<number | null> {
  try {
    const st = await fsp.statfs(dir);
    return (st.bavail * st.bsize) / (1024 * 1024);
  } catch {
    // The folder does not exist (yet): nothing to measure there.
    return null;
  }
}

/** Where the gateway writes: its config's folder (the state dir by default) and its log folders. */
export function gatewayWriteDirs(s: Settings): string[] {
  const dirs = [path.dirname(s.gateway.configPath), ...s.gateway.logPaths.map((p) => path.dirname(p))].filter(
    (d) => d && !d.includes('*'),
  );
  return [...new Set(dirs)];
}

export class ResourceWatch {
  private rss: Sample[] = [];
  private rssPid: number | null = null;
  private free = new Map<string, Sample[]>();
  private readonly stopCtl = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(private readonly d: ResourceDeps) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopCtl.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopCtl.signal.aborted) {
      await this.sampleOnce().catch((err: unknown) => {
        process.emitWarning(`ClawMedic: could not sample the gateway's resources: ${(err as Error).message}`);
      });
      await sleep(this.d.clock, this.d.settings().guard.sampleIntervalSec * 1000, this.stopCtl.signal);
    }
  }

  /** One sample of memory and disk; updates the warnings. */
  async sampleOnce(): Promise<void> {
    const s = this.d.settings();
    if (!s.guard.resources) {
      this.d.warnings.set('memory', null);
      this.d.warnings.set('disk', null);
      return;
    }
    const now = this.d.clock.now();
    const keep = (xs: Sample[]) => xs.filter((x) => x.at > now - HISTORY_MS);
    const r = await (this.d.gatewayRssMb ?? (() => gatewayRss(s, this.d.env)))();
    if (r) {
      // A new process (a restart) starts a new history: its memory is not the old one's growth.
      if (r.pid !== this.rssPid) this.rss = [];
      this.rssPid = r.pid;
      this.rss = keep([...this.rss, { at: now, value: r.mb }]);
      const w = memoryWarning(this.rss, s.guard.memoryWarnMb, s.guard.memoryGrowthMbPerHour);
      this.d.warnings.set('memory', w && { ...w, diff: null, canRevert: false });
    }
    let worst: { title: string; detail: string } | null = null;
    let worstFree = Infinity;
    for (const dir of gatewayWriteDirs(s)) {
      const f = await (this.d.freeMb ?? freeMb)(dir);
      if (f === null) continue;
      const xs = keep([...(this.free.get(dir) ?? []), { at: now, value: f }]);
      this.free.set(dir, xs);
      const w = diskWarning(dir, xs, s.guard.diskFreeWarnMb);
      if (w && f < worstFree) {
        worst = w;
        worstFree = f;
      }
    }
    this.d.warnings.set('disk', worst && { ...worst, diff: null, canRevert: false });
  }
}
