// The channel formatters by settings type.
import type { ChannelType } from '../../../../common/settings-schema.js';
import { discord } from './discord.js';
import { ntfy } from './ntfy.js';
import { slack } from './slack.js';
import { telegram } from './telegram.js';
import type { ChannelFormatter } from './types.js';
import { webhook } from './webhook.js';

export const FORMATTERS: Record<ChannelType, ChannelFormatter> = { discord, slack, telegram, ntfy, webhook };

export { ChannelConfigError, type ChannelContext, type ChannelFormatter } from './types.js';
