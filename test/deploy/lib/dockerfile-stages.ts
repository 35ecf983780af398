import { DockerfileParser } from 'dockerfile-ast';

/** One instruction of a Dockerfile: keyword upper-cased, arguments as written (continuations joined). */
export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** One build stage: the image it starts from, its `AS` name and its instructions after `FROM`. */
export interface DockerStage {
  image: string;
  name: string | null;
  instructions: DockerInstruction[];
}

/** Splits a Dockerfile into its build stages with dockerfile-ast (the VS Code Docker parser). */
export function parseDockerStages(content: string): DockerStage[] {
  const stages: DockerStage[] = [];
  for (const instruction of DockerfileParser.parse(content).getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    // the text after the keyword, flags included (getArgumentsContent() drops HEALTHCHECK's)
    const args = instruction.getTextContent().slice(keyword.length).replace(/\\\n\s*/g, ' ').trim();
    if (keyword === 'FROM') {
      const [image = '', , name = null] = args.split(/\s+/);
      stages.push({ image, name, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** The arguments of every instruction with this keyword in the stage. */
export function argsOf(stage: DockerStage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** Parses an exec-form (JSON array) argument such as `["node", "main.js"]`; throws on shell form. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`not an exec-form array: ${args}`);
  }
  return parsed;
}
