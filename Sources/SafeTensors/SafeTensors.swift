/// The safetensors format: see SafeTensors.swift.
