// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Rules of data usage contracts: members only, ids from content and creator, transfers only by the controller to an
// allowed member within the depth, the subject's secret revokes and every descendant goes inactive, batches anchored
// once and proofs checked against their root.
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {TestBase} from "../testing/TestBase.sol";
import {DataUsage} from "./DataUsage.sol";
import {IDataUsage} from "./IDataUsage.sol";

contract DataUsageTest is TestBase {
    ConsortiumRegistry internal consortium;
    DataUsage internal usage;
    address internal controller = address(0xC0);
    address internal processorA = address(0xA1);
    address internal processorB = address(0xB1);
    address internal outsider = address(0xDEAD);
    bytes32 internal constant SECRET = keccak256("subject secret");

    function setUp() public {
        address[] memory founders = new address[](3);
        founders[0] = controller;
        founders[1] = processorA;
        founders[2] = processorB;
        string[] memory names = new string[](3);
        names[0] = "controller";
        names[1] = "processor a";
        names[2] = "processor b";
        bytes32[][] memory roles = new bytes32[][](3);
        roles[0] = new bytes32[](0);
        roles[1] = new bytes32[](0);
        roles[2] = new bytes32[](0);
        consortium = new ConsortiumRegistry(founders, names, roles);
        usage = new DataUsage(consortium);
    }

    function terms(bytes32 nonce) internal pure returns (IDataUsage.Terms memory) {
        return
            IDataUsage.Terms({
                nonce: nonce,
                subjectFingerprint: keccak256(abi.encode(nonce, "subject")),
                dataFingerprint: keccak256(abi.encode(nonce, "data")),
                policyFingerprint: keccak256(abi.encode(nonce, "policy")),
                policyStructure: keccak256("structure"),
                consentHash: keccak256(abi.encode(nonce, "consent")),
                revocationCommitment: keccak256(abi.encode(SECRET))
            });
    }

    function both() internal view returns (address[] memory r) {
        r = new address[](2);
        r[0] = processorA;
        r[1] = processorB;
    }

    function createRoot() internal returns (bytes32 id) {
        vm.prank(controller);
        id = usage.create(terms(keccak256("n1")), 2, both());
    }

    function test_create_idFromContentAndController() public {
        bytes32 id = createRoot();
        assertEq(id, usage.contractIdOf(controller, terms(keccak256("n1"))), "content-derived id");
        IDataUsage.UsageContract memory c = usage.usageContract(id);
        assertEq(c.controller, controller, "controller");
        assertEq(c.root, id, "a root is its own root");
        assertTrue(usage.isActive(id), "active");
        assertTrue(usage.isAllowedRecipient(id, processorA), "recipient allowed");
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.ContractExists.selector, id));
        vm.prank(controller);
        usage.create(terms(keccak256("n1")), 2, both());
    }

    function test_create_membersOnlyAndNoZeroFingerprint() public {
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.NotMember.selector, outsider));
        vm.prank(outsider);
        usage.create(terms(keccak256("n1")), 2, both());
        IDataUsage.Terms memory t = terms(keccak256("n1"));
        t.consentHash = bytes32(0);
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.EmptyFingerprint.selector, "consentHash"));
        vm.prank(controller);
        usage.create(t, 2, both());
        address[] memory r = new address[](1);
        r[0] = outsider;
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.NotMember.selector, outsider));
        vm.prank(controller);
        usage.create(terms(keccak256("n1")), 2, r);
    }

    function test_transfer_createsAChildDownTheChain() public {
        bytes32 root = createRoot();
        vm.prank(controller);
        bytes32 child = usage.transfer(root, processorA, terms(keccak256("c1")));
        assertEq(child, usage.childIdOf(controller, root, processorA, terms(keccak256("c1"))), "child id");
        IDataUsage.UsageContract memory c = usage.usageContract(child);
        assertEq(c.controller, processorA, "the processor controls the child");
        assertEq(c.parent, root, "parent");
        assertEq(uint256(c.depth), 1, "depth");
        assertEq(c.consentHash, usage.usageContract(root).consentHash, "consent carried");
        vm.prank(processorA);
        bytes32 grandchild = usage.transfer(child, processorB, terms(keccak256("c2")));
        assertEq(uint256(usage.usageContract(grandchild).depth), 2, "depth 2");
        // maxDepth 2: a third level is refused.
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.DepthExceeded.selector, grandchild, uint8(3), uint8(2)));
        vm.prank(processorB);
        usage.transfer(grandchild, processorA, terms(keccak256("c3")));
    }

    function test_transfer_refusesOthersForbiddenRecipientsAndSelf() public {
        bytes32 root = createRoot();
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.NotController.selector, root, processorA, controller));
        vm.prank(processorA);
        usage.transfer(root, processorB, terms(keccak256("c1")));
        address[] memory onlyA = new address[](1);
        onlyA[0] = processorA;
        vm.prank(controller);
        bytes32 narrow = usage.create(terms(keccak256("n2")), 2, onlyA);
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.RecipientNotAllowed.selector, narrow, processorB));
        vm.prank(controller);
        usage.transfer(narrow, processorB, terms(keccak256("c1")));
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.SelfTransfer.selector, controller));
        vm.prank(controller);
        usage.transfer(narrow, controller, terms(keccak256("c1")));
    }

    function test_revoke_bySecretStopsEveryDescendant() public {
        bytes32 root = createRoot();
        vm.prank(controller);
        bytes32 child = usage.transfer(root, processorA, terms(keccak256("c1")));
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.BadRevocationSecret.selector, root));
        usage.revoke(root, keccak256("guess"));
        assertTrue(usage.isActive(child), "still active after a bad secret");
        vm.prank(outsider); // anyone may relay the subject's secret
        usage.revoke(root, SECRET);
        assertFalse(usage.isActive(root), "root inactive");
        assertFalse(usage.isActive(child), "child inactive");
        assertEq(usage.revokedAncestor(child), root, "the revoked ancestor is named");
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.ContractInactive.selector, child, root));
        vm.prank(processorA);
        usage.transfer(child, processorB, terms(keccak256("c2")));
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.AlreadyRevoked.selector, root));
        usage.revoke(root, SECRET);
    }

    function test_consultations_anchoredOnceAndProofsChecked() public {
        bytes32 a = keccak256("leaf a");
        bytes32 b = keccak256("leaf b");
        bytes32 root = a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.NotMember.selector, outsider));
        vm.prank(outsider);
        usage.recordConsultations(root, 2);
        vm.prank(controller);
        bytes32 batchId = usage.recordConsultations(root, 2);
        assertEq(batchId, keccak256(abi.encode(controller, root)), "batch id");
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = b;
        assertTrue(usage.verifyConsultation(batchId, a, proof), "a in batch");
        assertFalse(usage.verifyConsultation(batchId, keccak256("other"), proof), "other not in batch");
        vm.expectRevert(abi.encodeWithSelector(IDataUsage.BatchExists.selector, batchId));
        vm.prank(controller);
        usage.recordConsultations(root, 2);
    }
}
