/**
 * Talking to a running task, in mcpc: `research(places)` works through a list of
 * place names in the background, one a step, and reports a fact about each.
 *
 * - While it runs, a `{ focus: "<country>" }` message narrows what it does next
 *   (`accepts`): the places after it are looked up in that country only, and a
 *   place elsewhere is skipped ("focus on this subset of the data instead").
 * - When a name matches several places it asks which one was meant (`task.ask`):
 *   an elicitation for a client that supports them, else the question goes out
 *   with the task and the next message answers it ("I found multiple matches,
 *   which one did you mean?").
 *
 *   node dist/server.js        stdio (step length: RESEARCH_STEP_MS, default 1000)
 */
import { McpcServer, Tool, type TaskContext } from "mcpc";
import { z } from "zod";
import { describePlace, placesNamed, type Place } from "./gazetteer.js";

const stepMs = Number(process.env.RESEARCH_STEP_MS ?? 1000);

/** What a `research` task is sent while it runs. */
const Focus = z.object({ focus: z.string().min(1).describe('A country to work on from now on ("France", "USA"), or "everywhere"') });

/** One place researched. */
interface Finding {
  place: string;
  id: string;
  fact: string;
}

/** The example's server: one background tool, `research`, that takes `{ focus }` messages and asks when a name is ambiguous. */
export class Research extends McpcServer {
  @Tool({
    description:
      "Look up places by name in a small gazetteer, one a step, and report a fact about each. While it runs, send it " +
      '{ "focus": "<country>" } to work only on places in that country from then on ("everywhere" widens again). ' +
      "When a name matches several places, it asks which one was meant.",
    input: z.object({ places: z.array(z.string().min(1)).min(1).max(50).describe("Place names, e.g. Lyon, Springfield, Paris") }),
    accepts: Focus,
    background: true,
  })
  async *research({ places }: { places: string[] }, task: TaskContext) {
    let focus: string | undefined;
    const report: Finding[] = [];
    for (const [index, name] of places.entries()) {
      // Every message that came since the last step, in the order sent: the last focus wins.
      for (let message = task.inbox.poll(); message !== undefined; message = task.inbox.poll()) {
        const asked = Focus.parse(message).focus;
        focus = /^(everywhere|everything|all)$/i.test(asked) ? undefined : asked;
        yield `focus: ${focus ?? "everywhere"} (from your message)`;
      }
      const step = `${index + 1}/${places.length}`;
      const place = await this.#resolve(name, focus, task);
      if (place) {
        report.push({ place: describePlace(place), id: place.id, fact: place.fact });
        yield { progress: index + 1, total: places.length, message: `${step} ${describePlace(place)}: ${place.fact}` };
      } else {
        const why = focus !== undefined && placesNamed(name, undefined).length > 0 ? `not in ${focus}` : "not in the data set";
        yield { progress: index + 1, total: places.length, message: `${step} skipped ${name}: ${why}` };
      }
      await task.sleep(stepMs);
    }
    return { focus: focus ?? "everywhere", report };
  }

  /** The place a name means: the one match, none, or (several) the one the user picks. */
  async #resolve(name: string, focus: string | undefined, task: TaskContext): Promise<Place | undefined> {
    const matches = placesNamed(name, focus);
    if (matches.length <= 1) return matches[0];
    const ids = matches.map((place) => place.id) as [string, ...string[]];
    const where = focus === undefined ? "" : ` in ${focus}`;
    const { place } = await task.ask(
      `I found ${matches.length} places called "${name}"${where}: which one did you mean?`,
      z.object({ place: z.enum(ids).describe(matches.map((match) => `${match.id}: ${describePlace(match)}`).join("; ")) }),
    );
    return matches.find((match) => match.id === place);
  }
}

await new Research({ name: "research", version: "1.0.0" }).serve();
