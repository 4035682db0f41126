// Token usage and cost from a Claude Code transcript (JSONL, one message per line). Best effort:
// the format is not a public contract, so anything unexpected yields null rather than a guess.
import { promises as fsp } from 'node:fs';

export interface Usage {
  input: number;
  output: number;
  costUsd: number | null;
}

/**
 * USD per million tokens (input, output), list prices when this was written. Cache writes are
 * billed at 1.25× input and cache reads at 0.1× input. An unknown model gives no cost, only tokens.
 */
const PRICES: [RegExp, number, number][] = [
  [/opus-4-[5-9]|opus-[5-9]/i, 5, 25],
  [/opus/i, 15, 75],
  [/sonnet/i, 3, 15],
  [/haiku-4|haiku-[5-9]/i, 1, 5],
  [/haiku/i, 0.8, 4],
];

/** Transcripts of a long session are a few MB; past this we stop rather than read a runaway file. */
const MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024;

export async function usageFromTranscript(file: string): Promise<Usage | null> {
  let text: string;
  try {
    const st = await fsp.stat(file);
    if (st.size > MAX_TRANSCRIPT_BYTES) return null;
    text = await fsp.readFile(file, 'utf8');
  } catch {
    // No transcript (agent without one, or removed): no usage to report.
    return null;
  }
  let input = 0;
  let output = 0;
  let cost = 0;
  let priced = true;
  let seen = false;
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let v: { costUSD?: unknown; message?: { id?: unknown; model?: unknown; usage?: Record<string, unknown> } };
    try {
      v = JSON.parse(line) as typeof v;
    } catch {
      continue;
    }
    const u = v.message?.usage;
    if (!u) continue;
    // Streaming writes one line per content block with the same message id and usage: count once.
    const id = typeof v.message?.id === 'string' ? v.message.id : null;
    if (id) {
      if (ids.has(id)) continue;
      ids.add(id);
    }
    const n = (k: string) => {
      const x = u[k];
      return typeof x === 'number' ? x : 0;
    };
    const inTok = n('input_tokens');
    const cacheWrite = n('cache_creation_input_tokens');
    const cacheRead = n('cache_read_input_tokens');
    const outTok = n('output_tokens');
    input += inTok + cacheWrite + cacheRead;
    output += outTok;
    seen = true;
    if (typeof v.costUSD === 'number') {
      cost += v.costUSD;
      continue;
    }
    const model = typeof v.message?.model === 'string' ? v.message.model : '';
    const price = PRICES.find(([re]) => re.test(model));
    if (!price) {
      priced = false;
      continue;
    }
    cost += ((inTok + cacheWrite * 1.25 + cacheRead * 0.1) * price[1] + outTok * price[2]) / 1e6;
  }
  if (!seen) return null;
  return { input, output, costUsd: priced ? Math.round(cost * 1e6) / 1e6 : null };
}
