// Is ClawMedic's Telegram bot token also OpenClaw's? OpenClaw's Telegram channel long-polls its bot, and
// two pollers on one bot take each other's updates (Telegram answers the loser 409), which would break the
// gateway's own channel. OpenClaw keeps the token (docs: channels/telegram, secretref credential surface) at
//   channels.telegram.botToken | tokenFile, channels.telegram.accounts.<id>.botToken | tokenFile,
// as a plain string, a "${VAR}" substitution, or a SecretRef {source: "env", id}; and the default account
// falls back to the TELEGRAM_BOT_TOKEN environment variable. Other SecretRef sources (file, exec, store)
// cannot be resolved from here and are reported as unchecked.
import { promises as fsp } from 'node:fs';
import JSON5 from 'json5';

export interface GatewayToken {
  token: string;
  /** Where OpenClaw has it, e.g. "channels.telegram.botToken in ~/.openclaw/openclaw.json". */
  where: string;
}

export interface GatewayTokens {
  tokens: GatewayToken[];
  /** Places that hold a token we could not read (a file/exec/store SecretRef, an unreadable tokenFile). */
  unchecked: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Telegram bot tokens OpenClaw's config points at (empty when there is no config or no Telegram channel). */
export async function gatewayTelegramTokens(
  configPath: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GatewayTokens> {
  const out: GatewayTokens = { tokens: [], unchecked: [] };
  let config: unknown;
  try {
    config = JSON5.parse(await fsp.readFile(configPath, 'utf8'));
  } catch {
    // No config, or one that does not parse (then OpenClaw itself cannot start its channel either).
    return out;
  }
  if (!isObj(config)) return out;
  const vars = isObj(config.env) && isObj(config.env.vars) ? config.env.vars : {};
  // Inline env vars apply only where the process env lacks the key (OpenClaw's docs: config-secrets-env).
  const lookup = (name: string): string | undefined =>
    env[name] || (typeof vars[name] === 'string' ? vars[name] : undefined);
  const substitute = (s: string) =>
    s.replace(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)\}/g, (m, name: string) => lookup(name) ?? m);
  const telegram = isObj(config.channels) && isObj(config.channels.telegram) ? config.channels.telegram : null;
  if (!telegram) return out;
  const where = (key: string) => `${key} in ${configPath}`;

  const account = async (scope: Record<string, unknown>, key: string, isDefault: boolean) => {
    const tokenFile = scope.tokenFile;
    if (typeof tokenFile === 'string' && tokenFile.trim()) {
      try {
        const token = (await fsp.readFile(substitute(tokenFile.trim()), 'utf8')).trim();
        if (token) out.tokens.push({ token, where: where(`${key}.tokenFile (${tokenFile})`) });
      } catch (err) {
        out.unchecked.push(`${key}.tokenFile (${(err as Error).message})`);
      }
      // tokenFile beats botToken: whatever botToken says is not used.
      return;
    }
    const t = scope.botToken;
    if (typeof t === 'string' && t.trim()) {
      const token = substitute(t.trim());
      if (!/\$\{/.test(token)) out.tokens.push({ token, where: where(`${key}.botToken`) });
      else out.unchecked.push(`${key}.botToken (${t}: the variable is not set here)`);
      return;
    }
    if (isObj(t)) {
      if (t.source === 'env' && typeof t.id === 'string') {
        const token = lookup(t.id);
        if (token) out.tokens.push({ token: token.trim(), where: where(`${key}.botToken (env ${t.id})`) });
        else out.unchecked.push(`${key}.botToken (env ${t.id} is not set here)`);
      } else out.unchecked.push(`${key}.botToken (a ${String(t.source)} secret)`);
      return;
    }
    if (isDefault) {
      const token = lookup('TELEGRAM_BOT_TOKEN');
      if (token)
        out.tokens.push({
          token: token.trim(),
          where: "the TELEGRAM_BOT_TOKEN environment variable (OpenClaw's fallback)",
        });
    }
  };

  const accounts = isObj(telegram.accounts) ? telegram.accounts : {};
  // The channel root is the default account unless accounts.default exists.
  await account(telegram, 'channels.telegram', !isObj(accounts.default));
  for (const [id, acc] of Object.entries(accounts)) {
    if (isObj(acc)) await account(acc, `channels.telegram.accounts.${id}`, id === 'default');
  }
  return out;
}

/** The warning to show when a ClawMedic channel uses OpenClaw's bot, or null. */
export function sharedTokenProblem(token: string, found: GatewayTokens): string | null {
  const same = found.tokens.find((t) => t.token === token.trim());
  if (!same) return null;
  return (
    `this bot token is also OpenClaw's (${same.where}). OpenClaw's Telegram channel polls that bot, and two ` +
    "programs polling one bot take each other's updates. Create a separate bot for ClawMedic with @BotFather " +
    '(/newbot) and put its token here.'
  );
}
