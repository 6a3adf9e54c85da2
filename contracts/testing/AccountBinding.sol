// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Binds a test key's account to a member the way the agent does: the account signs the EIP-712 BindAccount consent
// for exactly the scope it is given, and the member sends it.
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {TestBase} from "./TestBase.sol";

abstract contract AccountBinding is TestBase {
    function bindingDigest(
        ConsortiumRegistry registry,
        address member,
        address account,
        bytes32[] memory roles
    ) internal view returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("ConsortiumRegistry"),
                keccak256("1"),
                block.chainid,
                address(registry)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("BindAccount(address member,address account,bytes32[] roles,uint256 nonce)"),
                member,
                account,
                keccak256(abi.encodePacked(roles)),
                registry.bindingNonce(account)
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function bindingConsent(
        ConsortiumRegistry registry,
        uint256 key,
        address member,
        bytes32[] memory roles
    ) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, bindingDigest(registry, member, vm.addr(key), roles));
        return abi.encodePacked(r, s, v);
    }

    function bindWithConsent(
        ConsortiumRegistry registry,
        address member,
        uint256 key,
        bytes32[] memory roles
    ) internal returns (address account) {
        account = vm.addr(key);
        bytes memory signature = bindingConsent(registry, key, member, roles);
        vm.prank(member);
        registry.bindAccount(account, roles, signature);
    }
}
