import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  BankView,
  BatchRecord,
  BatchView,
  Recall,
  Upstream,
  VialView,
} from '../src/laboratory/contract';
import { DEMO_PASSWORD } from '../src/seed/demo';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

describe.each(ENGINES)('seed cell bank, inventory and traceability on %s', (engine) => {
  let t: TestPlatform;
  let master: BankView;
  let working: BankView;
  let lineId: string;
  const call = async (user: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: await t.as(user),
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const vials = (prefix: string, box: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      label: `${prefix}-${i + 1}`,
      tank: 'LN2-02',
      rack: 'R1',
      box,
      position: i + 1,
    }));
  const newWorkingBank = async (lot: string, box: string, count: number, expiresOn = '2031-01-01') => {
    const res = await call('analyst.wu', 'POST', '/api/cell-banks', {
      cellLineId: lineId,
      kind: 'working',
      parentBankId: master.id,
      lot,
      passage: 4,
      frozenOn: '2020-01-01',
      expiresOn,
      vials: vials(lot, box, count),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<BankView>();
  };
  const newBatch = async (reference: string, bankId: string) => {
    const res = await call('analyst.wu', 'POST', '/api/batches', {
      kind: 'allogeneic',
      reference,
      productCode: 'MSC-UC',
      workingBankId: bankId,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<BatchView>();
  };

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    // A second laboratory's analyst, for the denial tests.
    const lab = await call('admin', 'POST', '/api/organizations', {
      code: 'LAB-C',
      kind: 'laboratory',
      nameZh: '另一实验室',
      nameEn: 'Another laboratory',
    });
    const user = await call('admin', 'POST', '/api/users', {
      organizationId: lab.json<{ id: string }>().id,
      username: 'analyst.b',
      displayName: 'Analyst B',
      role: 'lab_analyst',
      password: DEMO_PASSWORD,
    });
    expect(user.statusCode).toBe(201);
    const banks = (await call('analyst.wu', 'GET', '/api/cell-banks')).json<BankView[]>();
    master = banks.find((b) => b.kind === 'master')!;
    working = banks.find((b) => b.kind === 'working')!;
    lineId = master.cellLineId;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows the demo banks: the master bank, and the working bank with the two vials issued to the demo batch', async () => {
    expect(master).toMatchObject({ lot: 'MCB-UC07-2025', vialsAvailable: 10, expired: false });
    expect(working).toMatchObject({ lot: 'WCB-UC07-2026A', parentBankId: master.id, vialsAvailable: 18 });
    const box = (await call('analyst.wu', 'GET', '/api/vials?tank=LN2-01&rack=R3&box=B02')).json<
      VialView[]
    >();
    expect(box).toHaveLength(20);
    expect(box.filter((v) => v.status === 'issued').map((v) => v.position)).toEqual([1, 2]);
  });

  it('never lets the inventory go negative under concurrent issues (row lock and CHECK)', async () => {
    const bank = await newWorkingBank('WCB-RACE', 'B09', 3);
    const batch = await newBatch('MSC-RACE', bank.id);
    const attempts = await Promise.all(
      Array.from({ length: 7 }, () =>
        call('analyst.wu', 'POST', `/api/cell-banks/${bank.id}/issue`, { batchId: batch.id, count: 1 }),
      ),
    );
    const codes = attempts.map((a) => a.statusCode).sort();
    expect(codes).toEqual([200, 200, 200, 409, 409, 409, 409]);
    const issued = attempts.filter((a) => a.statusCode === 200).map((a) => a.json<VialView[]>()[0]!.label);
    expect(new Set(issued).size).toBe(3);
    const { rows } = await sql<{ available: number; stored: number; events: number }>`
      select b.vials_available as available,
        (select count(*)::int from vial v where v.bank_id = b.id and v.status = 'stored') as stored,
        (select count(*)::int from vial_event e where e.bank_id = b.id and e.kind = 'issue') as events
      from cell_bank b where b.id = ${bank.id}`.execute(t.platform.database.db);
    expect(rows[0]).toEqual({ available: 0, stored: 0, events: 3 });
    // The database itself refuses a negative count, whatever the application does.
    await expect(
      sql`update cell_bank set vials_available = -1 where id = ${bank.id}`.execute(t.platform.database.db),
    ).rejects.toThrow(/check/i);
  });

  it('refuses an issue larger than the stock, from an expired lot, or to a batch made from another lot', async () => {
    const bank = await newWorkingBank('WCB-SMALL', 'B10', 2);
    const batch = await newBatch('MSC-SMALL', bank.id);
    const tooMany = await call('analyst.wu', 'POST', `/api/cell-banks/${bank.id}/issue`, {
      batchId: batch.id,
      count: 3,
    });
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json().detail).toMatch(/only 2 vials/);
    const other = await call('analyst.wu', 'POST', `/api/cell-banks/${working.id}/issue`, {
      batchId: batch.id,
      count: 1,
    });
    expect(other.statusCode).toBe(400);
    const expired = await newWorkingBank('WCB-OLD', 'B11', 1, '2021-01-01');
    expect(expired.expired).toBe(true);
    const oldBatch = await newBatch('MSC-OLD', expired.id);
    const res = await call('analyst.wu', 'POST', `/api/cell-banks/${expired.id}/issue`, {
      batchId: oldBatch.id,
      count: 1,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/expired/);
  });

  it('banks only from an eligible donor, and a working bank only from a master bank of the same line', async () => {
    const line = await call('analyst.wu', 'POST', '/api/cell-lines', {
      code: 'UC-MSC-99',
      name: 'Pending donor',
      tissueSource: 'Umbilical cord',
      donorCode: 'D-99',
      donorEligibility: 'pending',
      consentReference: 'ICF-99',
      donorTesting: [],
    });
    expect(line.statusCode).toBe(201);
    const res = await call('analyst.wu', 'POST', '/api/cell-banks', {
      cellLineId: line.json().id,
      kind: 'master',
      lot: 'MCB-99',
      passage: 1,
      frozenOn: '2026-01-01',
      expiresOn: '2030-01-01',
      vials: vials('MCB-99', 'B20', 1),
    });
    expect(res.statusCode).toBe(409);
    const orphan = await call('analyst.wu', 'POST', '/api/cell-banks', {
      cellLineId: lineId,
      kind: 'working',
      parentBankId: working.id,
      lot: 'WCB-ORPHAN',
      passage: 5,
      frozenOn: '2026-01-01',
      expiresOn: '2030-01-01',
      vials: vials('WCB-ORPHAN', 'B21', 1),
    });
    expect(orphan.statusCode).toBe(400);
    expect(orphan.json().errors[0].field).toBe('parentBankId');
  });

  it('traces a vial or a bank to the batches and the patients who received them (recall), and a patient upstream', async () => {
    const batch = await newBatch('MSC-RECALL', working.id);
    const issued = (
      await call('analyst.wu', 'POST', `/api/cell-banks/${working.id}/issue`, { batchId: batch.id, count: 2 })
    ).json<VialView[]>();
    for (const [analyte, value, unit] of [
      ['CD73', 99, '%'],
      ['CD90', 99, '%'],
      ['CD105', 98, '%'],
      ['CD34', 0.3, '%'],
      ['CD45', 0.5, '%'],
      ['HLA-DR', 0.4, '%'],
      ['Viability', 92, '%'],
      ['Endotoxin', 1.2, 'EU/kg'],
      ['Sterility', 'negative', undefined],
      ['Mycoplasma', 'negative', undefined],
    ] as const) {
      const res = await call('analyst.wu', 'POST', `/api/batches/${batch.id}/results`, {
        analyte,
        value,
        ...(unit && { unit }),
      });
      expect(res.json().result.outcome).toBe('pass');
    }
    // A batch not yet released is not dispatched.
    const nsh = (await call('dr.zhou', 'GET', '/api/patients')).json<{ id: string; pseudonym: string }[]>();
    const nbch = (await call('dr.he', 'GET', '/api/patients')).json<{ id: string; pseudonym: string }[]>();
    expect(
      (
        await call('analyst.wu', 'POST', `/api/batches/${batch.id}/dispatch`, {
          patientPseudonym: nsh[2]!.pseudonym,
        })
      ).statusCode,
    ).toBe(409);
    const record = (await call('qp.tang', 'GET', `/api/batches/${batch.id}`)).json<BatchRecord>();
    const released = await call('qp.tang', 'POST', `/api/batches/${batch.id}/disposition`, {
      decision: 'release',
      password: DEMO_PASSWORD,
      contentHash: record.contentHash,
    });
    expect(released.statusCode, released.body).toBe(200);
    for (const p of [nsh[2]!, nbch[0]!]) {
      expect(
        (
          await call('analyst.wu', 'POST', `/api/batches/${batch.id}/dispatch`, {
            patientPseudonym: p.pseudonym,
          })
        ).statusCode,
      ).toBe(201);
    }

    const fromMaster = (
      await call('qc.liang', 'GET', `/api/traceability/recall?bankId=${master.id}`)
    ).json<Recall>();
    expect(fromMaster.banks.map((b) => b.lot)).toEqual(
      expect.arrayContaining(['MCB-UC07-2025', 'WCB-UC07-2026A']),
    );
    expect(fromMaster.batches.map((b) => b.reference)).toEqual(
      expect.arrayContaining(['MSC-2026-001', 'MSC-RECALL']),
    );
    expect(fromMaster.patients.map((p) => p.pseudonym).sort()).toEqual(
      [nsh[2]!.pseudonym, nbch[0]!.pseudonym].sort(),
    );

    const fromVial = (
      await call('qc.liang', 'GET', `/api/traceability/recall?vialId=${issued[0]!.id}`)
    ).json<Recall>();
    expect(fromVial.batches.map((b) => b.reference)).toEqual(['MSC-RECALL']);
    expect(fromVial.patients).toHaveLength(2);
    // A vial issued to the demo batch only, which reached no patient.
    const demoVial = (await call('qc.liang', 'GET', `/api/vials?bankId=${working.id}`)).json<
      VialView[]
    >()[0]!;
    const quiet = (
      await call('qc.liang', 'GET', `/api/traceability/recall?vialId=${demoVial.id}`)
    ).json<Recall>();
    expect(quiet.batches.map((b) => b.reference)).toEqual(['MSC-2026-001']);
    expect(quiet.patients).toEqual([]);

    const upstream = (
      await call('inspector', 'GET', `/api/traceability/patients/${nbch[0]!.id}`)
    ).json<Upstream>();
    expect(upstream.batches.map((b) => b.reference)).toEqual(['MSC-RECALL']);
    expect(upstream.banks.map((b) => [b.kind, b.lot, b.cellLineCode])).toEqual([
      ['master', 'MCB-UC07-2025', 'UC-MSC-07'],
      ['working', 'WCB-UC07-2026A', 'UC-MSC-07'],
    ]);
    expect(upstream.vials.map((v) => v.label).sort()).toEqual(issued.map((v) => v.label).sort());

    // The receiving hospital sees the dispatched batch; the other hospital's patient's batch is not NBCH's.
    expect((await call('dr.he', 'GET', `/api/batches/${batch.id}`)).statusCode).toBe(200);
    expect((await call('dr.he', 'GET', '/api/traceability/recall?bankId=' + master.id)).statusCode).toBe(403);
  });

  it('thaws and discards only stored vials, keeping the count', async () => {
    const bank = await newWorkingBank('WCB-THAW', 'B12', 2);
    const [v1] = (await call('analyst.wu', 'GET', `/api/vials?bankId=${bank.id}`)).json<VialView[]>();
    expect(
      (await call('analyst.wu', 'POST', `/api/vials/${v1!.id}/events`, { kind: 'thaw' })).json().status,
    ).toBe('thawed');
    expect(
      (await call('analyst.wu', 'POST', `/api/vials/${v1!.id}/events`, { kind: 'discard' })).statusCode,
    ).toBe(409);
    const after = (await call('analyst.wu', 'GET', '/api/cell-banks'))
      .json<BankView[]>()
      .find((b) => b.id === bank.id);
    expect(after?.vialsAvailable).toBe(1);
  });

  it('freezes more vials only into empty positions of an unexpired lot, and issues one picked vial to a batch of its lot', async () => {
    const bank = await newWorkingBank('WCB-PICK', 'B13', 2);
    const count = async () =>
      (await call('analyst.wu', 'GET', '/api/cell-banks')).json<BankView[]>().find((b) => b.id === bank.id)!
        .vialsAvailable;
    const place = (label: string, position: number) => ({
      label,
      tank: 'LN2-02',
      rack: 'R1',
      box: 'B13',
      position,
    });
    // Position 2 holds WCB-PICK-2: refused, naming the field, and nothing changes.
    const occupied = await call('analyst.wu', 'POST', `/api/cell-banks/${bank.id}/vials`, {
      vials: [place('WCB-PICK-3', 3), place('WCB-PICK-X', 2)],
    });
    expect(occupied.statusCode).toBe(400);
    expect(occupied.json().errors[0].field).toBe('vials');
    expect(await count()).toBe(2);
    const frozen = await call('analyst.wu', 'POST', `/api/cell-banks/${bank.id}/vials`, {
      vials: [place('WCB-PICK-3', 3), place('WCB-PICK-4', 4)],
    });
    expect(frozen.statusCode, frozen.body).toBe(201);
    expect(frozen.json<VialView[]>().map((v) => [v.position, v.passage, v.status])).toEqual([
      [3, 4, 'stored'],
      [4, 4, 'stored'],
    ]);
    expect(await count()).toBe(4);
    const expired = await newWorkingBank('WCB-PICK-OLD', 'B14', 1, '2021-01-01');
    const late = await call('analyst.wu', 'POST', `/api/cell-banks/${expired.id}/vials`, {
      vials: [{ ...place('WCB-OLD-2', 2), box: 'B14' }],
    });
    expect(late.statusCode).toBe(409);

    // Issue the vial in position 4 (not the first in storage order) to a batch of this lot.
    const batch = await newBatch('MSC-PICK', bank.id);
    const vial4 = frozen.json<VialView[]>()[1]!;
    const noBatch = await call('analyst.wu', 'POST', `/api/vials/${vial4.id}/events`, { kind: 'issue' });
    expect(noBatch.json().errors[0].field).toBe('batchId');
    const otherLot = await newBatch('MSC-PICK-OTHER', working.id);
    const wrongLot = await call('analyst.wu', 'POST', `/api/vials/${vial4.id}/events`, {
      kind: 'issue',
      batchId: otherLot.id,
    });
    expect(wrongLot.statusCode).toBe(400);
    expect(wrongLot.json().errors[0].field).toBe('batchId');
    const issued = await call('analyst.wu', 'POST', `/api/vials/${vial4.id}/events`, {
      kind: 'issue',
      batchId: batch.id,
    });
    expect(issued.statusCode, issued.body).toBe(200);
    expect(issued.json().status).toBe('issued');
    expect(await count()).toBe(3);
    const recall = (
      await call('qc.liang', 'GET', `/api/traceability/recall?vialId=${vial4.id}`)
    ).json<Recall>();
    expect(recall.batches.map((b) => b.reference)).toEqual(['MSC-PICK']);
    // Other laboratories, hospital staff and the regulator neither freeze nor handle vials.
    expect(
      (await call('analyst.b', 'POST', `/api/cell-banks/${bank.id}/vials`, { vials: [place('B-1', 9)] }))
        .statusCode,
    ).toBe(404);
    expect(
      (await call('analyst.b', 'POST', `/api/vials/${vial4.id}/events`, { kind: 'thaw' })).statusCode,
    ).toBe(404);
    for (const user of ['dr.zhou', 'inspector']) {
      expect(
        (await call(user, 'POST', `/api/cell-banks/${bank.id}/vials`, { vials: [place('H-1', 9)] }))
          .statusCode,
        user,
      ).toBe(403);
      expect(
        (await call(user, 'POST', `/api/vials/${vial4.id}/events`, { kind: 'discard' })).statusCode,
        user,
      ).toBe(403);
    }
    expect(await count()).toBe(3);
  });

  it('refuses cell lines, banks and control runs from anyone but the laboratory’s staff, and writes nothing', async () => {
    const lineBody = {
      code: 'UC-MSC-DENY',
      name: 'x',
      tissueSource: 'x',
      donorCode: 'D-X',
      donorEligibility: 'eligible',
      consentReference: 'ICF-X',
      donorTesting: [],
    };
    const bankBody = {
      cellLineId: lineId,
      kind: 'master',
      lot: 'MCB-DENY',
      passage: 1,
      frozenOn: '2026-01-01',
      expiresOn: '2030-01-01',
      vials: vials('MCB-DENY', 'B30', 1),
    };
    const material = (await call('qc.liang', 'GET', '/api/control-materials')).json<{ id: string }[]>()[0]!;
    const runs = async () =>
      (await call('qc.liang', 'GET', `/api/control-materials/${material.id}/levey-jennings`)).json<{
        points: unknown[];
      }>().points.length;
    const before = await runs();
    const run = { value: 0.5, runAt: '2026-11-02T00:00:00Z' };
    for (const user of ['dr.zhou', 'inspector', 'guardian.li', 'sponsor.xu']) {
      expect((await call(user, 'POST', '/api/cell-lines', lineBody)).statusCode, user).toBe(403);
      expect((await call(user, 'POST', '/api/cell-banks', bankBody)).statusCode, user).toBe(403);
      expect(
        (await call(user, 'POST', `/api/control-materials/${material.id}/runs`, run)).statusCode,
        user,
      ).toBe(403);
    }
    // Another laboratory's analyst sees neither our line nor our control material.
    expect((await call('analyst.b', 'GET', '/api/cell-lines')).json()).toEqual([]);
    expect((await call('analyst.b', 'POST', '/api/cell-banks', bankBody)).statusCode).toBe(400);
    expect(
      (await call('analyst.b', 'POST', `/api/control-materials/${material.id}/runs`, run)).statusCode,
    ).toBe(404);
    expect(await runs()).toBe(before);
    const lines = (await call('analyst.wu', 'GET', '/api/cell-lines')).json<{ code: string }[]>();
    expect(lines.map((l) => l.code)).not.toContain('UC-MSC-DENY');
    const banks = (await call('analyst.wu', 'GET', '/api/cell-banks')).json<BankView[]>();
    expect(banks.map((b) => b.lot)).not.toContain('MCB-DENY');
  });
});
