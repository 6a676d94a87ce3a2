/**
 * The example's data set: a small gazetteer in which some names belong to more
 * than one place (Paris, Springfield, Portland), so a lookup by name can be
 * ambiguous.
 */

/** One place of the gazetteer. */
export interface Place {
  /** Unique: what an answer to "which one did you mean?" names. */
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly country: string;
  readonly fact: string;
}

/** Every place the research tool knows. */
export const GAZETTEER: readonly Place[] = [
  { id: "lyon-fr", name: "Lyon", region: "Auvergne-Rhône-Alpes", country: "France", fact: "its old town is a UNESCO World Heritage Site" },
  { id: "toulouse-fr", name: "Toulouse", region: "Occitanie", country: "France", fact: "Airbus has its headquarters there" },
  { id: "paris-fr", name: "Paris", region: "Île-de-France", country: "France", fact: "it is the capital of France" },
  { id: "paris-tx", name: "Paris", region: "Texas", country: "USA", fact: "its Eiffel Tower replica wears a red cowboy hat" },
  { id: "springfield-il", name: "Springfield", region: "Illinois", country: "USA", fact: "it is the capital of Illinois" },
  { id: "springfield-mo", name: "Springfield", region: "Missouri", country: "USA", fact: "it calls itself the birthplace of Route 66" },
  { id: "portland-or", name: "Portland", region: "Oregon", country: "USA", fact: "it is the largest city in Oregon" },
  { id: "portland-me", name: "Portland", region: "Maine", country: "USA", fact: "it is the largest city in Maine" },
];

/** The places called `name` (any case), within `country` when one is given. */
export function placesNamed(name: string, country: string | undefined): Place[] {
  const wanted = name.trim().toLowerCase();
  return GAZETTEER.filter((place) => place.name.toLowerCase() === wanted && (country === undefined || place.country.toLowerCase() === country.toLowerCase()));
}

/** A place in words: `Springfield (Illinois, USA)`. */
export function describePlace(place: Place): string {
  return `${place.name} (${place.region}, ${place.country})`;
}
