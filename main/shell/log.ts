// The shell's logger: one line per message, prefixed, to stderr (Console.app / the terminal that ran
// `npm start`). Injected everywhere so tests can collect what was logged.
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.error(`[clawmedic] ${m}`),
  warn: (m) => console.error(`[clawmedic] warning: ${m}`),
  error: (m) => console.error(`[clawmedic] error: ${m}`),
};

/** Collects lines in memory (tests). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
  };
}
