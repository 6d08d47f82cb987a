namespace SwinBench; public static class Placeholder {}
