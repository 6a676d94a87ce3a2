import { describe, expect, it } from "vitest";
import { Admission } from "../../src/tasks/admission.js";

describe("Admission (a concurrency limit with a FIFO line)", () => {
  it("admits up to the limit, lines up the rest and hands each freed place to the first in line", () => {
    const limit = new Admission<string>(2);
    expect([limit.enter("a"), limit.enter("b"), limit.enter("c"), limit.enter("d")]).toEqual([true, true, false, false]);
    expect([limit.running, limit.waiting]).toEqual([2, 2]);
    expect(limit.leave()).toBe("c");
    expect([limit.running, limit.waiting]).toEqual([2, 1]);
    expect(limit.leave()).toBe("d");
    expect(limit.leave()).toBeUndefined();
    expect(limit.leave()).toBeUndefined();
    expect(limit.idle).toBe(true);
  });

  it("keeps first-in-first-out order through a long line (compacting as it goes)", () => {
    const limit = new Admission<number>(1);
    limit.enter(-1);
    for (let i = 0; i < 5_000; i++) limit.enter(i);
    const order: number[] = [];
    for (let i = 0; i < 2_500; i++) order.push(limit.leave() as number);
    for (let i = 5_000; i < 6_000; i++) limit.enter(i);
    let next: number | undefined;
    while ((next = limit.leave()) !== undefined) order.push(next);
    expect(order).toEqual(Array.from({ length: 6_000 }, (_, i) => i));
    expect(limit.idle).toBe(true);
  });
});
