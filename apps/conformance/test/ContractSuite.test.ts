/**
 * Library mode: the contract suite exported for adapter authors runs in one line, here against the
 * core's in-memory implementation.
 */
import * as ProjectsMemory from "@projectkit/core/ProjectsMemory"
import { suite } from "../src/ContractSuite.js"

suite("ProjectsMemory, through @projectkit/conformance/test-suite", ProjectsMemory.layer())
