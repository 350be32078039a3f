// Outbox renderers: a message that shows the latest state of something (a checklist's card) is
// enqueued with a render instruction and rendered when it is sent. A renderer is a typed
// definition: a name, a zod schema for its arguments, a render function that takes the parsed
// arguments, and optionally onSent. Features enqueue with `renderWith(renderer, args)`, checked
// against the schema by the compiler; the outbox parses the stored arguments with the same schema
// at send time. See docs/outbox.md, "Renderers".
import { z } from 'zod';
import type { Queryable } from '../db/pool.js';
import { describeError, truncate, type OutboxOp, type OutboxRow, type RenderInstruction } from './model.js';
import type { OutboxActivity } from './transport.js';

/** A renderer's name and the schema of its arguments: all an enqueuing feature needs to know. */
export interface RendererSignature<S extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly name: string;
  readonly args: S;
}

/** What a feature learns when a message it rendered was sent. */
export interface SentInfo<A = unknown> {
  messageId: number;
  op: OutboxOp;
  /** The render instruction's arguments, as its schema parsed them. */
  args: A;
  /** The id Teams gave the message (for a send: the id to update later). */
  activityId: string | null;
  conversationId: string | null;
}

export interface RendererDefinition<S extends z.ZodTypeAny = z.ZodTypeAny> extends RendererSignature<S> {
  /** The latest state as an activity, at send time. Throwing is a failed attempt (retried). */
  render(args: z.output<S>): Promise<OutboxActivity>;
  /**
   * Called in the transaction that records the message as sent (use `tx` to store the posted
   * card's activity id atomically with that). If it throws, its work is rolled back and logged;
   * the message stays sent.
   */
  onSent?(info: SentInfo<z.output<S>>, tx: Queryable): Promise<void>;
  /** The operations onSent is wanted for (default all); for the others no savepoint is taken. */
  readonly onSentOps?: readonly OutboxOp[];
}

const NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/i;

function checkName(name: string): string {
  if (typeof name !== 'string' || name.length > 200 || !NAME.test(name)) throw new Error(`outbox: bad renderer name '${String(name)}'`);
  return name;
}

/**
 * A renderer's name and arguments, declared where messages are enqueued (e.g. next to the use case)
 * when its render function is built elsewhere (where its dependencies are): `defineRenderer({
 * ...SIGNATURE, render })`.
 */
export function declareRenderer<S extends z.ZodTypeAny>(name: string, args: S): RendererSignature<S> {
  return Object.freeze({ name: checkName(name), args });
}

export function defineRenderer<S extends z.ZodTypeAny>(definition: RendererDefinition<S>): RendererDefinition<S> {
  checkName(definition.name);
  return Object.freeze({ ...definition });
}

/**
 * The render instruction for an enqueue: `{ renderer: name, args }`, stored as JSON. The arguments
 * are checked against the renderer's schema as the worker will see them (after JSON), so a feature
 * cannot enqueue what its renderer will refuse; a mismatch the compiler could not see (a NaN id)
 * throws here, in the feature's transaction, not later in the worker.
 */
export function renderWith<S extends z.ZodTypeAny>(renderer: RendererSignature<S>, args: z.input<S>): RenderInstruction {
  const json: unknown = args === undefined ? null : JSON.parse(JSON.stringify(args));
  const parsed = safeParse(renderer.args, json);
  if (!parsed.ok) throw new Error(`outbox: arguments for renderer '${renderer.name}' do not match its schema: ${parsed.error}`);
  return { renderer: renderer.name, args: json } as unknown as RenderInstruction;
}

/** A message's render instruction, checked against its renderer and ready to render. */
export type PreparedRender =
  | {
      ok: true;
      render(): Promise<OutboxActivity>;
      /** The renderer's onSent, bound to this message's arguments, when it wants this operation. */
      onSent?: (tx: Queryable, sent: Pick<OutboxRow, 'id' | 'op' | 'sentActivityId' | 'conversationId'>) => Promise<void>;
    }
  /** Refused for good: no request is made, the message fails with this reason. */
  | { ok: false; reason: 'unknown_renderer' | 'bad_render_args'; error: string };

/** The outbox's renderers, by name. */
export interface RendererRegistry {
  /** Adds a renderer; a different one under a name already taken is a programming error. */
  register(renderer: RendererDefinition): void;
  /** The stored instruction (`args` as read from the database) parsed with its renderer's schema. */
  prepare(instruction: { renderer: string; args: unknown }, op: OutboxOp): PreparedRender;
}

export function createRendererRegistry(initial: readonly RendererDefinition[] = []): RendererRegistry {
  const byName = new Map<string, RendererDefinition>();
  const register = (renderer: RendererDefinition) => {
    const name = checkName(renderer.name);
    const existing = byName.get(name);
    if (existing && existing !== renderer) throw new Error(`outbox: a renderer named '${name}' is registered already`);
    byName.set(name, renderer);
  };
  for (const r of initial) register(r);

  return {
    register,
    prepare(instruction, op) {
      const renderer = byName.get(instruction.renderer);
      if (!renderer) return { ok: false, reason: 'unknown_renderer', error: `no renderer named '${truncate(String(instruction.renderer), 200)}'` };
      const parsed = safeParse(renderer.args, instruction.args);
      if (!parsed.ok) {
        return { ok: false, reason: 'bad_render_args', error: `arguments for renderer '${renderer.name}' do not match its schema: ${parsed.error}` };
      }
      const args = parsed.value;
      const onSent = renderer.onSent && (!renderer.onSentOps || renderer.onSentOps.includes(op)) ? renderer.onSent.bind(renderer) : undefined;
      return {
        ok: true,
        render: () => renderer.render(args),
        ...(onSent
          ? { onSent: (tx, sent) => onSent({ messageId: sent.id, op: sent.op, args, activityId: sent.sentActivityId, conversationId: sent.conversationId }, tx) }
          : {}),
      };
    },
  };
}

/**
 * Parses with a schema without throwing (a refinement may throw an error of its own). The error
 * names each issue's path and code, never the values: arguments may hold ids that belong in no log.
 */
function safeParse<S extends z.ZodTypeAny>(schema: S, value: unknown): { ok: true; value: z.output<S> } | { ok: false; error: string } {
  try {
    const r = schema.safeParse(value);
    if (r.success) return { ok: true, value: r.data as z.output<S> };
    const issues = r.error.issues.slice(0, 5).map((i) => {
      const where = i.path.length > 0 ? i.path.join('.') : '(arguments)';
      return i.code === 'invalid_type' ? `${where}: expected ${i.expected}, got ${i.received}` : `${where}: ${i.code}`;
    });
    return { ok: false, error: truncate(issues.join('; '), 400) };
  } catch (err) {
    return { ok: false, error: `the schema threw ${describeError(err)}` };
  }
}
