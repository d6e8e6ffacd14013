import { describe, expect, it } from 'vitest';
import { findFreeBasePort } from '../../src/net/free-port.js';
import { nginxTest } from '../helpers/load-balancers.js';
import { nginxSupport, skippedBecause, streamModuleOf } from '../helpers/lb-support.js';

describe('nginx support for the e2e tests', () => {
  it('reads the stream module from nginx -V: built in, dynamic under the modules path, or absent', () => {
    const debian = 'nginx version: nginx/1.22.1\nconfigure arguments: --prefix=/usr/share/nginx --modules-path=/usr/lib/nginx/modules --with-stream=dynamic --with-http_v2_module';
    expect(streamModuleOf(debian)).toEqual({ builtIn: false, path: '/usr/lib/nginx/modules/ngx_stream_module.so' });
    expect(streamModuleOf('configure arguments: --prefix=/opt/nginx --with-stream=dynamic')).toEqual({ builtIn: false, path: '/opt/nginx/modules/ngx_stream_module.so' });
    expect(streamModuleOf('configure arguments: --prefix=/etc/nginx --with-stream --with-stream_ssl_module')).toEqual({ builtIn: true });
    expect(streamModuleOf('configure arguments: --prefix=/etc/nginx --with-stream_ssl_module')).toMatchObject({ absent: expect.stringContaining('--with-stream') });
  });

  const support = nginxSupport();
  it.skipIf(support.noStream !== undefined)(skippedBecause('gives a load_module line with which nginx accepts a stream {} config', support.noStream), async () => {
    const port = await findFreeBasePort({ host: '127.0.0.1', roles: ['main'] });
    const result = await nginxTest(`${support.loadStream}\nevents {}\nstream { server { listen 127.0.0.1:${port}; return ok; } }\n`);
    expect(result).toEqual({ ok: true, output: '' });
  });
});
