import { ProjectsMemory } from "../src/index.js"
import { suite } from "../src/ProjectsSuite.js"

suite("ProjectsMemory", ProjectsMemory.layer())
