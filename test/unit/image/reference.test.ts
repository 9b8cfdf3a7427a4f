import { expect } from 'chai';
import { familiarName, normalizeReference, parseReference } from '../../../src/image/reference.js';
import { InvalidArgumentError } from '../../../src/common/errors.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('image references', () => {
  const normalised: Array<[string, string]> = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['user/img', 'docker.io/user/img:latest'],
    ['user/img:v1', 'docker.io/user/img:v1'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/user/img:t', 'docker.io/user/img:t'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.10'],
    ['host:5000/a/b:tag', 'host:5000/a/b:tag'],
    ['host:5000/a/b', 'host:5000/a/b:latest'],
    ['localhost/foo', 'localhost/foo:latest'],
    ['localhost:5000/foo:bar', 'localhost:5000/foo:bar'],
    ['127.0.0.1:5000/husk-test/busybox:1.0', '127.0.0.1:5000/husk-test/busybox:1.0'],
    ['[::1]:5000/foo', '[::1]:5000/foo:latest'],
    ['example.com/a/b/c/d', 'example.com/a/b/c/d:latest'],
    ['foo:5000', 'docker.io/library/foo:5000'],
    ['a__b/c.d-e_f', 'docker.io/a__b/c.d-e_f:latest'],
    ['a---b/c', 'docker.io/a---b/c:latest'],
    ['Foo.com/bar', 'Foo.com/bar:latest'],
    ['UpperHost/bar', 'UpperHost/bar:latest'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`],
    [`host:5000/a@${D}`, `host:5000/a@${D}`],
    [`busybox:1.0@${D}`, `docker.io/library/busybox@${D}`],
    [`busybox:${'t'.repeat(128)}`, `docker.io/library/busybox:${'t'.repeat(128)}`],
  ];
  for (const [input, want] of normalised) {
    it(`normalises ${input.length > 60 ? input.slice(0, 60) + '…' : input}`, () => {
      expect(normalizeReference(input)).to.equal(want);
    });
  }

  it('splits domain, path, tag and digest', () => {
    expect(parseReference('host:5000/a/b:tag')).to.deep.equal({ domain: 'host:5000', path: 'a/b', tag: 'tag' });
    expect(parseReference(`busybox:1.0@${D}`)).to.deep.equal({ domain: 'docker.io', path: 'library/busybox', digest: D });
  });

  const invalid = [
    '',
    ' busybox',
    'busybox ',
    'Busybox',
    'user/Img',
    'busybox:',
    'busybox:-tag',
    `busybox:${'t'.repeat(129)}`,
    'busybox@sha256:abc',
    `busybox@md5:${'a'.repeat(32)}`,
    `busybox@sha256:${'A'.repeat(64)}`,
    'a'.repeat(64),
    'foo//bar',
    '/foo',
    'foo/',
    'foo/-bar',
    'foo/bar-',
    'foo/.bar',
    'foo/b__ar_',
    'foo/ba...r',
    'host:port/foo',
    '-host.com/foo',
    `example.com/${'a'.repeat(250)}`,
    'busybox:tag:again',
    'busy box',
    '@sha256:' + 'a'.repeat(64),
  ];
  for (const input of invalid) {
    it(`rejects ${JSON.stringify(input.length > 60 ? input.slice(0, 60) + '…' : input)}`, () => {
      expect(() => parseReference(input)).to.throw(InvalidArgumentError, /image\.image/);
    });
  }

  it('names the field it was given', () => {
    expect(() => parseReference('Bad', 'filter.image.image')).to.throw(/^filter\.image\.image:/);
  });

  it('prints the familiar short form', () => {
    expect(familiarName(parseReference('busybox'))).to.equal('busybox:latest');
    expect(familiarName(parseReference('user/img:1'))).to.equal('user/img:1');
    expect(familiarName(parseReference('library/a/b'))).to.equal('library/a/b:latest');
    expect(familiarName(parseReference('quay.io/x/y:2'))).to.equal('quay.io/x/y:2');
    expect(familiarName(parseReference(`busybox@${D}`))).to.equal(`busybox@${D}`);
  });
});
