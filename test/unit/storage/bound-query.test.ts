// Every value reaches the database as a bound parameter: a NUL or a quote in a client's text is data,
// never SQL (sequelize's `replacements` inline escaped literals, and SQLite stops a literal at a NUL).

import { expect } from 'chai';
import { Sequelize } from 'sequelize';
import { boundQuery, positional } from '../../../storage/sql.js';

describe('bound SQL parameters', () => {
  let sequelize: Sequelize;
  before(async () => {
    sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
    await sequelize.query('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
  });
  after(() => sequelize.close());

  it('stores and finds values with NUL, quotes and placeholder-like text unchanged', async () => {
    const hostile = ["05/QĐ\u0000' OR 1=1 --", "a'b''c", ':id $1 ? ::text', ''];
    for (const [i, name] of hostile.entries()) await boundQuery(sequelize, 'INSERT INTO t (id, name) VALUES (:id, :name)', { id: i + 1, name }, { select: false });
    for (const [i, name] of hostile.entries()) {
      const rows = await boundQuery<{ id: number; name: string }>(sequelize, 'SELECT id, name FROM t WHERE name = :name', { name });
      expect(rows).to.deep.equal([{ id: i + 1, name }]);
    }
  });

  it('expands arrays to lists and refuses a missing value', async () => {
    const rows = await boundQuery<{ id: number }>(sequelize, 'SELECT id FROM t WHERE id IN (:ids) ORDER BY id', { ids: [1, 3] });
    expect(rows.map((r) => r.id)).to.deep.equal([1, 3]);
    expect(await boundQuery(sequelize, 'SELECT id FROM t WHERE id IN (:ids)', { ids: [] })).to.deep.equal([]);
    expect(() => positional('SELECT :missing', {})).to.throw(/no value for :missing/);
    expect(positional('SELECT x::text, :a', { a: 1 }, 'numbered')).to.deep.equal({ sql: 'SELECT x::text, $1', values: [1] });
  });
});
