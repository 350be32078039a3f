// Typed outbox renderers: a render instruction is checked against its renderer's schema when it is
// made (by the compiler, and at run time for what the compiler cannot see) and when it is sent.
// The delivery of a message whose stored arguments no longer parse is in delivery.test.ts.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CHANNEL_RENDERER, PERSONAL_RENDERER, SUMMARY_RENDERER } from '../../src/checklists/ports.js';
import { createRendererRegistry, declareRenderer, defineRenderer, renderWith, type RendererSignature } from '../../src/outbox/renderers.js';
import type { OutboxRequest } from '../../src/outbox/service.js';

const text = (t: string) => ({ type: 'message', text: t });
const COUNTER = declareRenderer('test.counter', z.object({ n: z.number().int(), tone: z.enum(['good', 'warning']).default('good') }));

describe('enqueueing with a renderer', () => {
  it('stores the renderer name and the arguments as given', () => {
    expect(renderWith(COUNTER, { n: 3 })).toEqual({ renderer: 'test.counter', args: { n: 3 } });
  });

  it('refuses, when enqueued, arguments the renderer would refuse when sent', () => {
    // @ts-expect-error the compiler refuses a string where the schema wants a number
    expect(() => renderWith(COUNTER, { n: 'drie' })).toThrow(/renderer 'test.counter'.*n: expected number, got string/);
    // @ts-expect-error and an argument the renderer does not have
    expect(() => renderWith(COUNTER, { m: 3 })).toThrow(/n: expected number, got undefined/);
    // What the compiler cannot see: NaN is a number, but JSON stores it as null.
    expect(() => renderWith(COUNTER, { n: Number.NaN })).toThrow(/n: expected number, got null/);
  });

  it('refuses arguments that would not survive being stored as JSON', () => {
    const at = declareRenderer('test.at', z.object({ at: z.date() }));
    expect(() => renderWith(at, { at: new Date() })).toThrow(/at: expected date, got string/);
  });

});

/**
 * Checked by the compiler (`npm test` runs tsc first), never called: a feature cannot enqueue a
 * render instruction made by hand, only one from renderWith.
 */
export function handMadeInstructionsDoNotCompile(): OutboxRequest {
  return {
    op: 'send',
    tenantId: 't',
    serviceUrl: 'https://smba.example/emea/',
    conversationId: '19:a@thread.tacv2',
    // @ts-expect-error a hand-made { renderer, args } is not a RenderInstruction
    render: { renderer: 'test.counter', args: { n: 'drie' } },
  };
}

describe('the renderer registry at send time', () => {
  it('renders with the arguments as the schema parsed them, defaults included', async () => {
    const seen: unknown[] = [];
    const counter = defineRenderer({
      ...COUNTER,
      async render(args) {
        seen.push(args);
        return text(`stand ${args.n}`);
      },
    });
    const registry = createRendererRegistry([counter]);
    const prepared = registry.prepare({ renderer: 'test.counter', args: { n: 4, stray: true } }, 'send');
    if (!prepared.ok) throw new Error(prepared.error);
    expect(await prepared.render()).toEqual(text('stand 4'));
    expect(seen).toEqual([{ n: 4, tone: 'good' }]);
  });

  it('refuses stored arguments its schema rejects as bad_render_args, naming the field but not its value', () => {
    const registry = createRendererRegistry([defineRenderer({ ...COUNTER, render: async () => text('nooit') })]);
    const prepared = registry.prepare({ renderer: 'test.counter', args: { n: 'a1b2c3d4-0000-4000-8000-000000000000', tone: 'loud' } }, 'send');
    expect(prepared).toMatchObject({ ok: false, reason: 'bad_render_args' });
    const error = (prepared as { error: string }).error;
    expect(error).toContain('n: expected number, got string');
    expect(error).toContain('tone: invalid_enum_value');
    expect(error).not.toContain('a1b2c3d4');
    expect(error).not.toContain('loud');
  });

  it('refuses the arguments a previous release stored without any (null) as bad_render_args', () => {
    const registry = createRendererRegistry([defineRenderer({ ...COUNTER, render: async () => text('nooit') })]);
    expect(registry.prepare({ renderer: 'test.counter', args: null }, 'update')).toMatchObject({ ok: false, reason: 'bad_render_args' });
  });

  it('turns a schema that throws into bad_render_args instead of an error', () => {
    const throwing = defineRenderer({
      name: 'test.throwing',
      args: z.object({}).refine(() => {
        throw new Error('the refinement tripped');
      }),
      render: async () => text('nooit'),
    });
    const prepared = createRendererRegistry([throwing]).prepare({ renderer: 'test.throwing', args: {} }, 'send');
    expect(prepared).toMatchObject({ ok: false, reason: 'bad_render_args' });
    expect((prepared as { error: string }).error).toContain('the refinement tripped');
  });

  it('refuses a renderer nobody registered as unknown_renderer', () => {
    expect(createRendererRegistry().prepare({ renderer: 'nobody.knows', args: {} }, 'send')).toMatchObject({ ok: false, reason: 'unknown_renderer' });
  });

  it('binds onSent to the parsed arguments, only for the operations it asks for', async () => {
    const told: unknown[] = [];
    const registry = createRendererRegistry([
      defineRenderer({ ...COUNTER, render: async () => text('x'), onSent: async (info) => void told.push(info), onSentOps: ['send'] }),
    ]);
    const sent = registry.prepare({ renderer: 'test.counter', args: { n: 5 } }, 'send');
    const updated = registry.prepare({ renderer: 'test.counter', args: { n: 5 } }, 'update');
    if (!sent.ok || !updated.ok) throw new Error('refused');
    expect(updated.onSent).toBeUndefined();
    await sent.onSent?.({ query: async () => ({}) } as never, { id: 9, op: 'send', sentActivityId: 'a-1', conversationId: '19:c' });
    expect(told).toEqual([{ messageId: 9, op: 'send', args: { n: 5, tone: 'good' }, activityId: 'a-1', conversationId: '19:c' }]);
  });

  it('refuses a second, different renderer under a name already taken', () => {
    const registry = createRendererRegistry();
    const first = defineRenderer({ ...COUNTER, render: async () => text('een') });
    registry.register(first);
    registry.register(first); // the same one again changes nothing
    expect(() => registry.register(defineRenderer({ ...COUNTER, render: async () => text('twee') }))).toThrow(/already/);
  });
});

describe("the checklist renderers' arguments", () => {
  /** What the previous release stored for each (`{ render: { renderer, args } }`). */
  const stored: Array<[string, RendererSignature, unknown]> = [
    [CHANNEL_RENDERER.name, CHANNEL_RENDERER, { checklistId: 12 }],
    [PERSONAL_RENDERER.name, PERSONAL_RENDERER, { checklistId: 12, position: 3, ownerAad: '00000000-0000-4000-8000-000000000001', kind: 'dueSoon' }],
    [SUMMARY_RENDERER.name, SUMMARY_RENDERER, { checklistId: 12 }],
  ];

  it.each(stored)('still parse what the previous release queued for %s', (_name, signature, args) => {
    const registry = createRendererRegistry([defineRenderer({ ...signature, render: async () => text('ok') })]);
    expect(registry.prepare({ renderer: signature.name, args }, 'send')).toMatchObject({ ok: true });
  });
});
