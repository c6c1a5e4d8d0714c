import IORedis from 'ioredis';
import { EmbeddedRedis } from '@selfeval/jobs';
import { tempDir } from '../helpers/config';
import { alive } from '../helpers/processes';

describe('EmbeddedRedis', () => {
  it('starts a private redis-server on loopback, keeps data under the data dir, and stops it', async () => {
    const dataDir = tempDir();
    const redis = new EmbeddedRedis({ dataDir });
    const url = await redis.start();
    expect(url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    const pid = redis.pid!;
    expect(alive(pid)).toBe(true);

    const client = new IORedis(url);
    await client.set('k', '值');
    expect(await client.get('k')).toBe('值');
    expect(await client.config('GET', 'dir')).toEqual(['dir', `${dataDir}/redis`]);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    client.disconnect();

    await redis.stop();
    expect(alive(pid)).toBe(false);
  });

  it('says how to install redis-server when the binary is missing', async () => {
    const redis = new EmbeddedRedis({ dataDir: tempDir(), bin: '/nonexistent/redis-server' });
    await expect(redis.start()).rejects.toThrow(/apt-get install -y redis-server/);
  });
});
