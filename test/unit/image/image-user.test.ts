import { expect } from 'chai';
import { parseImageUser } from '../../../src/image/image-user.js';

describe('image USER as CRI reports it', () => {
  it('a number is a uid', () => expect(parseImageUser('1002')).to.deep.equal({ uid: 1002n }));
  it('uid:gid keeps the uid only', () => expect(parseImageUser('1002:1003')).to.deep.equal({ uid: 1002n }));
  it('0 is root by uid', () => expect(parseImageUser('0')).to.deep.equal({ uid: 0n }));
  it('a name is a username', () => expect(parseImageUser('www-data')).to.deep.equal({ username: 'www-data' }));
  it('name:group keeps the name only', () => expect(parseImageUser('www-data:grp')).to.deep.equal({ username: 'www-data' }));
  it('name:gid keeps the name only', () => expect(parseImageUser('nobody:65534')).to.deep.equal({ username: 'nobody' }));
  it('empty USER sets neither', () => {
    expect(parseImageUser('')).to.deep.equal({});
    expect(parseImageUser(undefined)).to.deep.equal({});
  });
  it('a number beyond int64 is a name, as strconv.ParseInt would fail', () => {
    expect(parseImageUser('99999999999999999999')).to.deep.equal({ username: '99999999999999999999' });
  });
});
