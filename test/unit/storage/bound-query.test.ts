// Every value reaches the database as a bound parameter: a NUL or a quote in a client's text is data,
// never SQL (sequelize's `replacements` inline escaped literals, and SQLite stops a literal at a NUL).

import { expect } from 'chai';
import { Sequelize } from 'sequelize';
import { DataTypes } from 'sequelize';
import { execute, insertRows, positional, query, rowOf } from '../../../storage/sql.js';

describe('bound SQL parameters', () => {
  let sequelize: Sequelize;
  before(async () => {
    sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false });
    await sequelize.query('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
  });
  after(() => sequelize.close());

  it('stores and finds values with NUL, quotes and placeholder-like text unchanged', async () => {
    const hostile = ["05/QĐ\u0000' OR 1=1 --", "a'b''c", ':id $1 ? ::text', ''];
    for (const [i, name] of hostile.entries()) await execute(sequelize, 'INSERT INTO t (id, name) VALUES (:id, :name)', { id: i + 1, name });
    for (const [i, name] of hostile.entries()) {
      const rows = await query<{ id: number; name: string }>(sequelize, 'SELECT id, name FROM t WHERE name = :name', { name });
      expect(rows).to.deep.equal([{ id: i + 1, name }]);
    }
  });

  it('expands arrays to lists and refuses a missing value', async () => {
    const rows = await query<{ id: number }>(sequelize, 'SELECT id FROM t WHERE id IN (:ids) ORDER BY id', { ids: [1, 3] });
    expect(rows.map((r) => r.id)).to.deep.equal([1, 3]);
    expect(await query(sequelize, 'SELECT id FROM t WHERE id IN (:ids)', { ids: [] })).to.deep.equal([]);
    expect(() => positional('SELECT :missing', {})).to.throw(/no value for :missing/);
    expect(positional('SELECT x::text, :a', { a: 1 }, 'numbered')).to.deep.equal({ sql: 'SELECT x::text, $1', values: [1] });
  });

  it('runs INSERT … RETURNING and multi-row inserts in a transaction, columns from the model', async () => {
    // INSERT through sequelize's public query() used to lose RETURNING rows on SQLite (its dialect runs
    // "INSERT INTO…" with the driver's run(), which returns none); storage reached into t.connection.
    const Item = sequelize.define(
      'Item',
      { id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true }, itemName: DataTypes.TEXT, at: DataTypes.DATE },
      { tableName: 'items', underscored: true, timestamps: false },
    );
    await Item.sync();
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    const rows = await sequelize.transaction(async (t) => {
      const returned = await insertRows(
        sequelize,
        t,
        Item,
        [
          { itemName: "x'\u0000y", at },
          { itemName: 'z', at },
        ],
        ['id', 'itemName'],
      );
      const [counted] = await query<{ n: number }>(sequelize, 'SELECT COUNT(*) AS n FROM items', {}, t);
      expect(counted.n, 'the insert is visible inside its transaction').to.equal(2);
      return returned;
    });
    expect(rows).to.deep.equal([
      { id: 1, item_name: "x'\u0000y" },
      { id: 2, item_name: 'z' },
    ]);
    const stored = (await Item.findAll({ order: [['id', 'ASC']] })).map((r) => r.get({ plain: true }) as { at: Date });
    expect(stored.map((r) => r.at.toISOString())).to.deep.equal([at.toISOString(), at.toISOString()]);
  });

  it('reads a raw row back exactly as the model finder returns it (booleans, dates, big integers, nulls)', async () => {
    const Row = sequelize.define(
      'Row',
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        done: { type: DataTypes.BOOLEAN, allowNull: false },
        size: { type: DataTypes.BIGINT, allowNull: false },
        at: { type: DataTypes.DATE, allowNull: true },
        note: DataTypes.TEXT,
      },
      { tableName: 'typed_rows', underscored: true, timestamps: false },
    );
    await Row.sync();
    const at = new Date(Date.UTC(2026, 5, 7, 8, 9, 10, 11));
    await sequelize.transaction((t) =>
      insertRows(sequelize, t, Row, [
        { done: true, size: 2 ** 40, at, note: "o'k" },
        { done: false, size: 0, at: null, note: null },
      ]),
    );
    const viaFinder = (await Row.findAll({ order: [['id', 'ASC']] })).map((r) => r.get({ plain: true }) as Record<string, unknown>);
    const viaQuery = (await query(sequelize, 'SELECT * FROM typed_rows ORDER BY id', {})).map((r) => rowOf(Row, r));
    expect(viaQuery).to.deep.equal(viaFinder);
    expect(viaQuery[0]).to.deep.equal({ id: 1, done: true, size: 2 ** 40, at, note: "o'k" });
  });
});
