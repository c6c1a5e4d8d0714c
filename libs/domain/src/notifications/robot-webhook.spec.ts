import { DomainError } from '../errors';
import { robotOf } from './robot-webhook';

describe('robotOf: which group robot a webhook address is', () => {
  const strict = { allowLoopback: false };
  const problem = (url: string, opts = strict) => {
    try {
      robotOf(url, opts);
      return null;
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).where.field).toBe('webhookUrl');
      return (e as DomainError).userMessage;
    }
  };

  it('knows the two robots by their published https addresses', () => {
    expect(robotOf('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc', strict)).toBe('wecom');
    expect(robotOf('https://oapi.dingtalk.com/robot/send?access_token=abc', strict)).toBe('dingtalk');
  });

  it('refuses plain http, other hosts, ports, credentials and loopback unless allowed', () => {
    expect(problem('http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc')).toContain('https://');
    expect(problem('https://10.0.0.8/cgi-bin/webhook/send')).toContain('只支持企业微信');
    expect(problem('https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send')).toContain('只支持企业微信');
    expect(problem('https://u:p@oapi.dingtalk.com/robot/send')).toContain('只支持企业微信');
    expect(problem('https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send')).toContain('只支持企业微信');
    expect(problem('https://oapi.dingtalk.com/cgi-bin/webhook/send')).toContain('路径不对');
    expect(problem('http://127.0.0.1:9/robot/send')).toContain('https://');
    expect(robotOf('http://127.0.0.1:9/robot/send', { allowLoopback: true })).toBe('dingtalk');
    expect(problem('http://127.0.0.1:9/elsewhere', { allowLoopback: true })).toContain('https://');
    expect(problem('企业微信')).toContain('不是有效的网址');
  });
});
