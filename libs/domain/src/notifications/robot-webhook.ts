import { DomainError } from '../errors';

/** Group robots units read: 企业微信 (WeCom) and 钉钉 (DingTalk). */
export type RobotKind = 'wecom' | 'dingtalk';

export const ROBOT_LABELS: Record<RobotKind, string> = { wecom: '企业微信群机器人', dingtalk: '钉钉群机器人' };

/** The robots' published endpoints; any other host is refused, so a unit's setting cannot reach inside the network. */
const ROBOT_HOSTS: Record<string, RobotKind> = { 'qyapi.weixin.qq.com': 'wecom', 'oapi.dingtalk.com': 'dingtalk' };
const ROBOT_PATHS: [RegExp, RobotKind][] = [
  [/^\/cgi-bin\/webhook\/send$/, 'wecom'],
  [/^\/robot\/send$/, 'dingtalk'],
];

/**
 * Which robot a webhook address belongs to, or a Chinese error naming the field. Only https to the
 * two robot hosts; `allowLoopback` (tests) also accepts http://127.0.0.1 with a robot path.
 */
export function robotOf(address: string, opts: { allowLoopback: boolean }): RobotKind {
  const fail = (why: string) => new DomainError('VALIDATION_FAILED', `群机器人地址${why}`, { field: 'webhookUrl' });
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw fail('不是有效的网址');
  }
  const byPath = ROBOT_PATHS.find(([re]) => re.test(url.pathname))?.[1];
  if (opts.allowLoopback && url.protocol === 'http:' && url.hostname === '127.0.0.1' && byPath) return byPath;
  if (url.protocol !== 'https:') throw fail('必须以 https:// 开头');
  const byHost = ROBOT_HOSTS[url.hostname];
  if (!byHost || url.port || url.username || url.password)
    throw fail(
      '只支持企业微信（https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…）和钉钉（https://oapi.dingtalk.com/robot/send?access_token=…）',
    );
  if (byPath !== byHost) throw fail('的路径不对：请复制群机器人设置中的完整 Webhook 地址');
  return byHost;
}

/** The body both robots accept for plain text (same shape for 企业微信 and 钉钉). */
export function robotTextMessage(text: string): { msgtype: 'text'; text: { content: string } } {
  return { msgtype: 'text', text: { content: text } };
}
