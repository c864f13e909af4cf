// Kafka's topic name rules (Topic.validate): 1..249 characters of [a-zA-Z0-9._-], not "."
// or "..". Pure.

export const MAX_TOPIC_NAME_LENGTH = 249;

/** Kafka's message for an illegal topic name, or undefined when the name is legal. */
export function topicNameProblem(name: string | null | undefined): string | undefined {
  if (name === null || name === undefined || name.length === 0) return 'Topic name is illegal, it can\'t be empty';
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return undefined;
}
