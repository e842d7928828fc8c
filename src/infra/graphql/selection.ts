import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the client selected `field` directly under the field being resolved (through fragments
 * too), so a resolver can skip work nobody asked for — e.g. a connection's `totalCount`, a second
 * query over the whole filtered set.
 */
export function selects(info: GraphQLResolveInfo, field: string): boolean {
  return selectedFields(info).has(field);
}

/** The names of the fields selected directly under the field being resolved, through fragments too. */
export function selectedFields(info: GraphQLResolveInfo): Set<string> {
  const fields = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): void => {
    for (const node of set?.selections ?? []) {
      if (node.kind === Kind.FIELD) fields.add(node.name.value);
      else if (node.kind === Kind.INLINE_FRAGMENT) walk(node.selectionSet);
      else if (!seen.has(node.name.value)) {
        seen.add(node.name.value);
        walk(info.fragments[node.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  return fields;
}
