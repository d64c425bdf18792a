// Every media type of a request body or response must carry at least one example.
export default function hasExamples(mediaType) {
  const hasNamed = mediaType?.examples && Object.keys(mediaType.examples).length > 0;
  if (hasNamed || mediaType?.example !== undefined) return [];
  return [{ message: "Media type must have an example (prefer named `examples`)." }];
}
